/**
 * Recomputes customers' value (CLV, RFM warning, tier) from their stored data: for one customer
 * whenever its data changes, and for everyone nightly (`customers.recompute-value`), when the
 * quantile tier cuts are refreshed and recency moves on by a day.
 *
 * A customer's document is written only when its value or status really changed, so running
 * the recompute twice, or re-importing the same file, writes nothing.
 */
import mongoose, { type AnyBulkWriteOperation, type Connection, type Types } from 'mongoose';
import { customerModel, type Customer, type CustomerValue } from '../customer.model';
import { customerEvents } from '../domain-events';
import { timelineEventModel } from '../customer-event.model';
import { transactionModel } from '../transaction.model';
import type { CustomerStatus, ValueTier } from '../vocabulary';
import { customerLifetimeValue, quantileTierCuts, rfmLevel, rfmScores, statusAfterWarning, tierFor, type TransactionPoint } from './value';
import { rankedTiers, type TierCuts, type ValueSettings } from './value-settings';
import { loadQuantileTierCuts, loadValueSettings, saveQuantileTierCuts } from './value-settings.store';

/** What computing a value needs besides the customer: the settings and the tier cuts in force. */
export interface ValueContext {
  settings: ValueSettings;
  /** Null in quantile mode before there is any customer to cut. */
  cuts: TierCuts | null;
}

/** Documents per cursor batch: bounds what the client holds at once, whatever the server would send. */
const cursorBatch = 500;

export interface RecomputeSummary {
  customers: number;
  changed: number;
  tierCuts: TierCuts | null;
}

/** The settings and cuts in force; in quantile mode, computes the cuts the first time. */
export async function loadValueContext(connection: Connection, now: Date = new Date()): Promise<ValueContext> {
  const settings = await loadValueSettings(connection);
  if (settings.tiers.mode === 'absolute') return { settings, cuts: settings.tiers.thresholds };
  const cuts = (await loadQuantileTierCuts(connection)) ?? (await refreshQuantileTierCuts(connection, settings, now));
  return { settings, cuts };
}

/** A customer's value under the context, without touching the database. */
export function valueOf(customer: Pick<Customer, 'revenue'>, transactions: readonly TransactionPoint[], context: ValueContext, now: Date): CustomerValue {
  const scores = rfmScores(transactions, now, context.settings.rfm);
  const clv = customerLifetimeValue(customer.revenue ?? {}, context.settings.clv);
  return {
    clv,
    rfm: { ...scores, level: rfmLevel(scores, context.settings.rfm) },
    ...(context.cuts ? { tier: tierFor(clv, context.cuts) } : {}),
    computedAt: now,
  };
}

/** True when two values agree on everything but when they were computed. */
export function sameValue(a: CustomerValue | undefined, b: CustomerValue | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.clv === b.clv &&
    a.tier === b.tier &&
    a.rfm.level === b.rfm.level &&
    a.rfm.recencyDays === b.rfm.recencyDays &&
    a.rfm.frequencyChange === b.rfm.frequencyChange &&
    a.rfm.monetaryChange === b.rfm.monetaryChange
  );
}

/** Recomputes one customer; returns the customer as stored afterwards, or null when unknown. */
export async function recomputeCustomerValue(connection: Connection, customerId: Types.ObjectId, now: Date = new Date()): Promise<Customer | null> {
  const customer = await customerModel(connection).findById(customerId).lean<Customer>().exec();
  if (!customer) return null;
  const context = await loadValueContext(connection, now);
  const [update] = await valueUpdates(connection, [customer], context, now);
  if (!update) return customer;
  await applyUpdates(connection, [update], now);
  return customerModel(connection).findById(customerId).lean<Customer>().exec();
}

/** Recomputes every customer in batches: refreshes the quantile cuts, then writes what changed. */
export async function recomputeAllValues(connection: Connection, options: { now?: Date; batchSize?: number } = {}): Promise<RecomputeSummary> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 500;
  const settings = await loadValueSettings(connection);
  const cuts = settings.tiers.mode === 'absolute' ? settings.tiers.thresholds : await refreshQuantileTierCuts(connection, settings, now);
  const context = { settings, cuts };

  const summary: RecomputeSummary = { customers: 0, changed: 0, tierCuts: cuts };
  let batch: Customer[] = [];
  const flush = async () => {
    const updates = await valueUpdates(connection, batch, context, now);
    await applyUpdates(connection, updates, now);
    summary.changed += updates.length;
    batch = [];
  };
  for await (const customer of customerModel(connection).find().lean<Customer>().batchSize(cursorBatch).cursor()) {
    summary.customers++;
    batch.push(customer as Customer);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return summary;
}

/**
 * After an import: re-cuts the quantile tiers from the stored CLVs and moves the customers whose
 * tier changed, with one update per tier instead of one per customer. The ranges are exactly
 * `tierFor`'s: a tier from its cut up to the next one, and D for the rest or for CLV ≤ 0.
 */
export async function retierCustomers(connection: Connection, now: Date = new Date()): Promise<TierCuts | null> {
  const settings = await loadValueSettings(connection);
  if (settings.tiers.mode === 'absolute') return settings.tiers.thresholds;
  const clvs: number[] = [];
  const stored = customerModel(connection).find({ 'value.clv': mongoose.trusted({ $exists: true }) }, { 'value.clv': 1 }).lean<Pick<Customer, 'value'>>().batchSize(cursorBatch * 10);
  for await (const customer of stored.cursor()) clvs.push((customer as Pick<Customer, 'value'>).value!.clv);
  const cuts = quantileTierCuts(clvs, settings.tiers.quantiles);
  await saveQuantileTierCuts(connection, cuts, now);
  if (!cuts) return null;

  const customers = customerModel(connection);
  const move = (tier: ValueTier, clvRange: Record<string, number>) =>
    customers.updateMany(
      { 'value.clv': mongoose.trusted(clvRange), 'value.tier': mongoose.trusted({ $ne: tier }) },
      { $set: { 'value.tier': tier, 'value.computedAt': now } },
    );
  let upper: number | undefined;
  for (const tier of rankedTiers) {
    await move(tier, { $gte: cuts[tier], $gt: 0, ...(upper === undefined ? {} : { $lt: upper }) });
    upper = cuts[tier];
  }
  await move('D', cuts.C > 0 ? { $lt: cuts.C } : { $lte: 0 });
  return cuts;
}

/** Cuts the tiers from everyone's current CLV and stores the cuts for single recomputes. */
export async function refreshQuantileTierCuts(connection: Connection, settings: ValueSettings, now: Date): Promise<TierCuts | null> {
  const clvs: number[] = [];
  for await (const customer of customerModel(connection).find({}, { revenue: 1 }).lean<Pick<Customer, 'revenue'>>().batchSize(cursorBatch).cursor()) {
    clvs.push(customerLifetimeValue((customer as Pick<Customer, 'revenue'>).revenue ?? {}, settings.clv));
  }
  const cuts = quantileTierCuts(clvs, settings.tiers.quantiles);
  // No customers, no cuts: nothing to keep (storing null rewrote the settings on every call until the first customer).
  if (cuts) await saveQuantileTierCuts(connection, cuts, now);
  return cuts;
}

// ---------------------------------------------------------------------------------------------

interface ValueUpdate {
  customer: Customer;
  value: CustomerValue;
  status: CustomerStatus;
}

/** The customers among `customers` whose value or status changes, with their new ones. */
async function valueUpdates(connection: Connection, customers: Customer[], context: ValueContext, now: Date): Promise<ValueUpdate[]> {
  const transactions = await transactionWindows(connection, customers, context.settings);
  const updates: ValueUpdate[] = [];
  for (const customer of customers) {
    const value = valueOf(customer, transactions.get(String(customer._id)) ?? [], context, now);
    // Without transactions there is no warning to act on: the status stays as reported.
    const status = value.rfm.recencyDays === null ? customer.status : statusAfterWarning(customer.status, value.rfm.level);
    if (!sameValue(customer.value, value) || status !== customer.status) updates.push({ customer, value, status });
  }
  return updates;
}

/** Each customer's transactions in the two RFM windows before its last transaction. */
async function transactionWindows(connection: Connection, customers: Customer[], settings: ValueSettings): Promise<Map<string, TransactionPoint[]>> {
  const windows = new Map<string, TransactionPoint[]>();
  const span = 2 * settings.rfm.windowDays * 86_400_000;
  for (const customer of customers) {
    if (!customer.lastTransactionAt) continue;
    const from = new Date(customer.lastTransactionAt.getTime() - span);
    const rows = await transactionModel(connection)
      .find({ customerId: customer._id, at: mongoose.trusted({ $gt: from }) }, { at: 1, amount: 1, kind: 1 })
      .lean()
      .exec();
    windows.set(
      String(customer._id),
      rows.map((row) => ({ at: row.at, amount: row.kind === 'refund' ? -row.amount : row.amount })),
    );
  }
  return windows;
}

/** Writes the new values; status changes also go on the timeline and are announced. */
async function applyUpdates(connection: Connection, updates: ValueUpdate[], now: Date): Promise<void> {
  if (updates.length === 0) return;
  const operations: AnyBulkWriteOperation<Customer>[] = updates.map(({ customer, value, status }) => ({
    updateOne: { filter: { _id: customer._id }, update: { $set: { value, status } } },
  }));
  await customerModel(connection).bulkWrite(operations, { ordered: false });

  const statusChanges = updates.filter(({ customer, status }) => status !== customer.status);
  if (statusChanges.length === 0) return;
  await timelineEventModel(connection).insertMany(
    statusChanges.map(({ customer, value, status }) => ({
      customerId: customer._id,
      type: 'status_changed',
      at: now,
      key: `status_changed:${String(customer._id)}:${now.getTime()}`,
      origin: 'system',
      actor: 'value model',
      data: { from: customer.status, to: status, rfmLevel: value.rfm.level },
    })),
  );
  for (const { customer, value, status } of statusChanges) {
    if (status === 'at_risk') await customerEvents(connection).emit('customer.at_risk', { customer: { ...customer, value, status }, level: value.rfm.level });
  }
}
