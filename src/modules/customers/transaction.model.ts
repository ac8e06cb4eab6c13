/**
 * Orders, payments and refunds reported by the host CRM. They feed the RFM early warning
 * (recency, frequency and monetary change); `transactionId` is the caller's own id, so the same
 * transaction reported twice is stored once.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { transactionKinds, type TransactionKind } from './vocabulary';

export interface Transaction {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  transactionId: string;
  kind: TransactionKind;
  at: Date;
  /** Positive; a refund's amount counts against monetary value. */
  amount: number;
  currency?: string;
  createdAt: Date;
}

const transactionSchema = new Schema<Transaction>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    transactionId: { type: String, required: true },
    kind: { type: String, enum: transactionKinds, required: true, default: 'order' },
    at: { type: Date, required: true },
    amount: { type: Number, required: true, min: 0 },
    currency: String,
  },
  { collection: 'transactions', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

transactionSchema.index({ transactionId: 1 }, { unique: true });
transactionSchema.index({ customerId: 1, at: -1 });

export function transactionModel(connection: Connection): Model<Transaction> {
  return (connection.models.Transaction as Model<Transaction> | undefined) ?? connection.model<Transaction>('Transaction', transactionSchema);
}
