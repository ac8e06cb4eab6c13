/**
 * Writes one batch of imported rows: reads the batch's existing customers in one query, works
 * out for each row whether it creates, changes or leaves a customer as it is, and sends the
 * creations and changes in one unordered bulkWrite.
 *
 * What an import may change: the fields the file gives (an empty cell never clears one), tags
 * are added to, the cause only while no survey, interview, classifier or staff member has set a
 * better one, and a file's "active" does not undo our own at_risk or won_back.
 */
import mongoose, { type AnyBulkWriteOperation, type Connection } from 'mongoose';
import type { CauseCode } from '../causes';
import { customerModel, searchKeysOf, type ChurnEpisode, type Customer, type CustomerValue } from '../customer.model';
import type { CustomerStatus } from '../vocabulary';
import { sameValue, valueOf, type ValueContext } from '../value/value.service';
import type { RejectedRow } from './customer-import';
import type { ImportedCustomer } from './row-reading';

export interface ImportContext {
  connection: Connection;
  source: string;
  importedBy: string;
  now: Date;
  value: ValueContext;
}

export interface BatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  rejected: RejectedRow[];
  causes: Record<CauseCode, number>;
}

export async function upsertImportedBatch(rows: Array<{ line: number; customer: ImportedCustomer }>, context: ImportContext): Promise<BatchOutcome> {
  const customers = customerModel(context.connection);
  const ids = rows.map((row) => row.customer.externalId);
  const existing = await customers
    .find({ externalId: mongoose.trusted({ $in: ids }), source: context.source })
    .lean<Customer[]>()
    .exec();
  const byExternalId = new Map(existing.map((customer) => [customer.externalId, customer]));

  const outcome: BatchOutcome = { created: 0, updated: 0, unchanged: 0, rejected: [], causes: {} };
  const inserts: WriteOf<Record<string, unknown>> = { documents: [], rows: [] };
  const updates: WriteOf<AnyBulkWriteOperation<Customer>> = { documents: [], rows: [] };
  for (const { line, customer: row } of rows) {
    const current = byExternalId.get(row.externalId);
    const cause = current?.cause && current.cause.source !== 'import' ? current.cause.code : row.cause?.code;
    if (cause) outcome.causes[cause] = (outcome.causes[cause] ?? 0) + 1;
    if (!current) {
      inserts.documents.push(storable(customers, newCustomer(row, context)));
      inserts.rows.push({ line, externalId: row.externalId });
      continue;
    }
    const changes = changedFields(current, row, context);
    if (Object.keys(changes).length === 0) {
      outcome.unchanged++;
      continue;
    }
    updates.documents.push({ updateOne: { filter: { _id: current._id }, update: { $set: changes } } });
    updates.rows.push({ line, externalId: row.externalId });
  }

  const [insertFailures, updateFailures] = await Promise.all([
    inserts.documents.length > 0 ? failedWrites(() => customers.collection.insertMany(inserts.documents, { ordered: false })) : new Map<number, string>(),
    updates.documents.length > 0 ? failedWrites(() => customers.bulkWrite(updates.documents, { ordered: false })) : new Map<number, string>(),
  ]);
  count(outcome, 'created', inserts.rows, insertFailures);
  count(outcome, 'updated', updates.rows, updateFailures);
  return outcome;
}

interface WriteOf<T> {
  documents: T[];
  rows: Array<{ line: number; externalId: string }>;
}

/**
 * A new customer ready to store: the schema's defaults, timestamps and types applied without
 * building a mongoose document for each row (half the import's time otherwise). The row was
 * checked field by field already, enums included.
 */
function storable(customers: ReturnType<typeof customerModel>, fields: Partial<Customer>): Record<string, unknown> {
  return customers.castObject(customers.applyTimestamps(customers.applyDefaults(fields))) as unknown as Record<string, unknown>;
}

function count(outcome: BatchOutcome, kind: 'created' | 'updated', rows: WriteOf<unknown>['rows'], failures: Map<number, string>): void {
  rows.forEach((row, index) => {
    const failure = failures.get(index);
    if (failure) outcome.rejected.push({ line: row.line, externalId: row.externalId, reasons: [failure] });
    else outcome[kind]++;
  });
}

// ---------------------------------------------------------------------------------------------

function newCustomer(row: ImportedCustomer, context: ImportContext): Partial<Customer> {
  const status = row.status ?? 'active';
  const revenue = row.revenue;
  return {
    source: context.source,
    externalId: row.externalId,
    ...pick(row, ['name', 'email', 'phone', 'company', 'locale', 'timezone', 'plan', 'signupDate', 'churnType']),
    status,
    ...(row.churnedAt ? { churnedAt: row.churnedAt, churns: [episode(row)] } : { churns: [] }),
    ...(row.cause ? { cause: importedCause(row.cause, context) } : {}),
    revenue,
    value: valueOf({ revenue }, [], context.value, context.now),
    contact: { emailConsent: row.emailConsent ?? false, doNotContact: false },
    tags: row.tags ?? [],
    attributes: row.attributes,
    searchKeys: searchKeysOf(row),
  };
}

/** The `$set` that brings `current` up to the row; empty when nothing differs. */
function changedFields(current: Customer, row: ImportedCustomer, context: ImportContext): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const set = (path: string, before: unknown, after: unknown) => {
    if (after !== undefined && !sameData(before, after)) changes[path] = after;
  };
  for (const field of ['name', 'email', 'phone', 'company', 'locale', 'timezone', 'plan', 'signupDate', 'churnType', 'churnedAt'] as const) {
    set(field, current[field], row[field]);
  }
  set('status', current.status, row.status && statusAfterImport(current.status, row.status));
  if (row.churnedAt) set('churns', current.churns ?? [], episodesAfterImport(current, row));
  if (row.cause && (!current.cause || current.cause.source === 'import')) {
    const sameCause = current.cause?.code === row.cause.code && current.cause?.reason === row.cause.reason;
    if (!sameCause) changes.cause = importedCause(row.cause, context);
  }
  for (const [field, value] of Object.entries(row.revenue)) set(`revenue.${field}`, current.revenue?.[field as keyof Customer['revenue']], value);
  set('contact.emailConsent', current.contact?.emailConsent, row.emailConsent);
  if (row.tags) set('tags', current.tags ?? [], [...new Set([...(current.tags ?? []), ...row.tags])].sort());
  for (const [name, value] of Object.entries(row.attributes)) set(`attributes.${name}`, current.attributes?.[name], value);

  const merged = { name: row.name ?? current.name, email: row.email ?? current.email, externalId: current.externalId };
  set('searchKeys', current.searchKeys ?? [], searchKeysOf(merged));
  const value = importedValue(current, { ...current.revenue, ...row.revenue }, context);
  if (!sameValue(current.value, value)) changes.value = value;
  return changes;
}

/** A file's "active" is older news than our own at_risk (early warning) or won_back. */
function statusAfterImport(current: CustomerStatus, fromFile: CustomerStatus): CustomerStatus {
  return fromFile === 'active' && (current === 'at_risk' || current === 'won_back') ? current : fromFile;
}

/** The churn the file reports replaces the episode of the churn date it gave before, or is added. */
function episodesAfterImport(current: Customer, row: ImportedCustomer): ChurnEpisode[] {
  const episodes = [...(current.churns ?? [])];
  const at = row.churnedAt!.getTime();
  if (episodes.some((known) => known.at.getTime() === at)) return episodes;
  const previous = current.churnedAt ? episodes.findIndex((known) => known.at.getTime() === current.churnedAt!.getTime()) : -1;
  if (previous >= 0) episodes[previous] = { ...episodes[previous], ...episode(row) };
  else episodes.push(episode(row));
  return episodes.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function episode(row: ImportedCustomer): ChurnEpisode {
  return { at: row.churnedAt!, ...(row.churnType ? { type: row.churnType } : {}) };
}

function importedCause(cause: NonNullable<ImportedCustomer['cause']>, context: ImportContext): Customer['cause'] {
  return { ...cause, source: 'import', setBy: context.importedBy, setAt: context.now };
}

/** CLV and tier from the merged revenue; the RFM scores stay as the transactions made them. */
function importedValue(current: Customer, revenue: Customer['revenue'], context: ImportContext): CustomerValue {
  const computed = valueOf({ revenue }, [], context.value, context.now);
  return current.value ? { ...computed, rfm: current.value.rfm } : computed;
}

function sameData(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key];
  return picked;
}

/** Runs an unordered write of a batch; returns the failed statements by index with the reason. */
async function failedWrites(write: () => Promise<unknown>): Promise<Map<number, string>> {
  const failed = new Map<number, string>();
  try {
    const result = await write();
    // Rows are checked before they get here: a document mongoose still finds invalid is our bug.
    const invalid = (result as { mongoose?: { validationErrors?: unknown[] } } | undefined)?.mongoose?.validationErrors ?? [];
    if (invalid.length > 0) throw new Error(`import wrote documents the customer schema refuses: ${String(invalid[0])}`);
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ index: number; errmsg?: string; code?: number }> | { index: number; errmsg?: string; code?: number } }).writeErrors;
    if (!writeErrors) throw error;
    for (const writeError of [writeErrors].flat()) {
      failed.set(writeError.index, writeError.code === 11000 ? 'the customer was created by another import at the same time' : (writeError.errmsg ?? 'not stored'));
    }
  }
  return failed;
}
