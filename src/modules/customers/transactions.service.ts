/**
 * Orders, payments and refunds reported by the host: stored once per caller's transaction id,
 * then the customer's RFM warning is recomputed from them.
 */
import type { Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import { customerModel, type Customer } from './customer.model';
import type { TransactionInput } from './customers.schemas';
import { findCustomerByReference } from './customers.service';
import { isDuplicateKeyError } from './timeline.service';
import { transactionModel, type Transaction } from './transaction.model';
import { recomputeCustomerValue } from './value/value.service';

export interface TransactionOutcome {
  transaction: Transaction;
  customer: Customer;
  /** True when this transaction id was reported before: nothing was changed. */
  duplicate: boolean;
}

export async function recordTransaction(connection: Connection, input: TransactionInput): Promise<TransactionOutcome> {
  const earlier = await earlierTransaction(connection, input.transactionId);
  if (earlier) return earlier;
  const customer = await findCustomerByReference(connection, input.customer);
  if (!customer) throw new NotFoundError('No customer has this external id.', [{ field: 'customer.externalId', reason: 'unknown customer' }]);

  let transaction: Transaction;
  try {
    const created = await transactionModel(connection).create({
      customerId: customer._id,
      transactionId: input.transactionId,
      kind: input.kind,
      at: input.at,
      amount: input.amount,
      currency: input.currency,
    });
    transaction = created.toObject();
  } catch (error) {
    const raced = isDuplicateKeyError(error) ? await earlierTransaction(connection, input.transactionId) : null;
    if (raced) return raced;
    throw error;
  }

  if (!customer.lastTransactionAt || customer.lastTransactionAt < input.at) {
    await customerModel(connection).updateOne({ _id: customer._id }, { $set: { lastTransactionAt: input.at } });
  }
  const updated = (await recomputeCustomerValue(connection, customer._id, new Date())) as Customer;
  return { transaction, customer: updated, duplicate: false };
}

async function earlierTransaction(connection: Connection, transactionId: string): Promise<TransactionOutcome | null> {
  const transaction = await transactionModel(connection).findOne({ transactionId }).lean<Transaction>().exec();
  if (!transaction) return null;
  let customer = await customerModel(connection).findById(transaction.customerId).lean<Customer>().exec();
  if (customer && (!customer.lastTransactionAt || customer.lastTransactionAt < transaction.at)) {
    // The request that stored it died before updating the customer: finish that now.
    await customerModel(connection).updateOne({ _id: customer._id }, { $max: { lastTransactionAt: transaction.at } });
    customer = (await recomputeCustomerValue(connection, customer._id, new Date())) as Customer;
  }
  return customer ? { transaction, customer, duplicate: true } : null;
}
