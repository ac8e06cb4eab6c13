/**
 * Daily dashboard snapshots: a run (one a day, or more when asked) and its cells, one per
 * month × value tier × plan × customer language, holding counts that add up across cells
 * (customers at the start and end, new, lost, and losses by cause with their monthly revenue).
 * A dashboard filter sums the matching cells, so the page reads a few hundred small documents
 * instead of every customer. Readers take a run only once all its cells are written.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface SnapshotRun {
  _id: Types.ObjectId;
  /** The UTC day the snapshot describes. */
  takenOn: Date;
  takenAt: Date;
  /** The first and the last month (their first days) the cells cover. */
  firstMonth: Date;
  lastMonth: Date;
}

export interface SnapshotCell {
  runId: Types.ObjectId;
  month: Date;
  tier: string;
  plan: string;
  locale: string;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  lost: number;
  losses: Array<{ cause: string; lost: number; monthlyRevenue: number }>;
}

const runSchema = new Schema<SnapshotRun>(
  { takenOn: { type: Date, required: true }, takenAt: { type: Date, required: true }, firstMonth: { type: Date, required: true }, lastMonth: { type: Date, required: true } },
  { collection: 'dashboard_snapshot_runs', versionKey: false },
);
runSchema.index({ takenOn: -1, takenAt: -1 });

const cellSchema = new Schema<SnapshotCell>(
  {
    runId: { type: Schema.Types.ObjectId, required: true },
    month: { type: Date, required: true },
    tier: { type: String, required: true },
    plan: { type: String, default: '' },
    locale: { type: String, required: true },
    customersAtStart: { type: Number, required: true },
    customersAtEnd: { type: Number, required: true },
    newCustomers: { type: Number, required: true },
    lost: { type: Number, required: true },
    losses: { type: [{ cause: String, lost: Number, monthlyRevenue: Number, _id: false }], default: [] },
  },
  { collection: 'dashboard_snapshot_cells', versionKey: false },
);
cellSchema.index({ runId: 1, month: 1 });

export function snapshotRunModel(connection: Connection): Model<SnapshotRun> {
  return (connection.models.DashboardSnapshotRun as Model<SnapshotRun> | undefined) ?? connection.model<SnapshotRun>('DashboardSnapshotRun', runSchema);
}

export function snapshotCellModel(connection: Connection): Model<SnapshotCell> {
  return (connection.models.DashboardSnapshotCell as Model<SnapshotCell> | undefined) ?? connection.model<SnapshotCell>('DashboardSnapshotCell', cellSchema);
}
