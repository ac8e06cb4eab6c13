/**
 * Imports customers from a CSV stream: parse as it arrives (csv-parse), read each row through a
 * column mapping, and upsert by source + external id in batches (one read and one bulkWrite per
 * batch), so memory stays flat however long the file is.
 *
 * Re-importing the same file changes nothing: a row is compared with the stored customer field
 * by field and only differences are written. Bad rows are reported with their line number and
 * skipped; the good rows of the same file are imported. A file that is empty, not text, or lacks
 * the mapping's columns is refused before anything is written.
 */
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Connection } from 'mongoose';
import { AppError } from '../../../shared/errors';
import { classifyImportedReasons } from '../../classification/customer-classification.service';
import { knownCauses } from '../../classification/known-causes';
import type { CauseCode } from '../causes';
import type { ColumnMapping } from './mappings';
import { missingColumns, readRow, type ImportedCustomer } from './row-reading';
import { loadValueContext, retierCustomers } from '../value/value.service';
import { upsertImportedBatch, type BatchOutcome, type ImportContext } from './import-writer';
import { SeenIds } from './seen-ids';

export interface ImportOptions {
  mapping: ColumnMapping;
  /** Source recorded on the customers; the mapping's default when omitted. */
  source?: string;
  /** Rows per database round trip. */
  batchSize?: number;
  /** Called after each batch, e.g. to show a progress bar. */
  onProgress?: (progress: ImportProgress) => void;
  /** Who imports, recorded as the cause's `setBy`. */
  importedBy?: string;
  /**
   * Re-cut the quantile tiers once the rows are in (default true): they depend on everyone's
   * CLV, which a streaming import only knows at the end.
   */
  recomputeTiers?: boolean;
  now?: Date;
}

export interface ImportProgress {
  rows: number;
  /** Bytes of the file read so far, for a percentage when the size is known. */
  bytes: number;
  accepted: number;
  rejected: number;
}

export interface RejectedRow {
  /** Line of the file, counting the header as line 1. */
  line: number;
  externalId?: string;
  reasons: string[];
}

export interface ImportReport {
  mapping: string;
  source: string;
  /** Data rows read (the header not counted). */
  rows: number;
  /** Rows that were valid: created + updated + unchanged. */
  accepted: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first `maxReportedRejections` rejected rows, in file order. */
  rejections: RejectedRow[];
  rejectionsTruncated: boolean;
  /** Accepted rows by the cause the mapping gave them. */
  causes: Record<CauseCode, number>;
  /** Free-text reasons the mapping could not map, given a cause by the classifier. */
  classifiedReasons: number;
  /**
   * Set when the file turned unreadable (broken CSV) after some rows were already stored: those
   * rows stay, and this line and the ones after it were not imported. Earlier, it is a file error and nothing is stored.
   */
  stoppedAt?: { line: number; reason: string };
  durationMs: number;
}

/** Thrown when the file as a whole cannot be imported; nothing was written. */
export class ImportFileError extends AppError {
  override readonly name = 'ImportFileError';
  constructor(message: string) {
    super('import_file_invalid', message, { httpStatus: 400, details: [{ field: 'file', reason: message }] });
  }
}

export const maxReportedRejections = 1000;

export async function importCustomers(connection: Connection, input: Readable, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const { mapping } = options;
  const batchSize = options.batchSize ?? 1000;
  const report = emptyReport(mapping.name, options.source ?? mapping.defaultSource);
  const now = options.now ?? new Date();
  const value = await loadValueContext(connection, now);
  // Read once per file: a cause an admin retires while the file is read is still taken for it.
  const causes = await knownCauses(connection);
  const context: ImportContext = { connection, source: report.source, importedBy: options.importedBy ?? `${mapping.name} import`, now, value };
  const seenIds = new SeenIds();
  let batch: Array<{ line: number; customer: ImportedCustomer }> = [];
  let bytes = 0;
  let lastLine = 1;
  let batchesStored = 0;

  const parser = input.pipe(csvParser());
  input.once('error', (error) => parser.destroy(error));
  guardAgainstBinary(input, parser);

  const flush = async () => {
    if (batch.length === 0) return;
    addOutcome(report, await upsertImportedBatch(batch, context));
    // A reason without a cause is the customer's own words: the classifier reads them.
    const unmapped = batch.filter(({ customer }) => customer.cause?.reason && !customer.cause.code).map(({ customer }) => customer.externalId);
    report.classifiedReasons += await classifyImportedReasons(connection, { source: report.source, externalIds: unmapped, now });
    batch = [];
    batchesStored++;
    options.onProgress?.({ rows: report.rows, bytes, accepted: report.accepted, rejected: report.rejected });
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      if (report.rows === 0) checkHeader(Object.keys(record), mapping);
      report.rows++;
      bytes = info.bytes;
      lastLine = info.lines;
      const reading = readRow(record, mapping, causes);
      if (!reading.ok) {
        reject(report, { line: info.lines, externalId: reading.externalId, reasons: reading.problems });
        continue;
      }
      const firstLine = seenIds.firstLineOf(reading.customer.externalId, info.lines);
      if (firstLine !== undefined) {
        reject(report, { line: info.lines, externalId: reading.customer.externalId, reasons: [`${mapping.columns.externalId}: repeats line ${firstLine}`] });
        continue;
      }
      batch.push({ line: info.lines, customer: reading.customer });
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    const fileError = asFileError(error);
    // Rows already stored cannot be taken back (no transactions): say honestly where reading stopped.
    if (!(fileError instanceof ImportFileError) || batchesStored === 0 || report.rows === 0) throw fileError;
    report.stoppedAt = { line: lastLine + 1, reason: fileError.message };
  }
  await flush();
  if (report.rows === 0) throw new ImportFileError('The file has no customer rows: it is empty or has only a header.');
  if (options.recomputeTiers !== false && report.created + report.updated > 0) await retierCustomers(connection, now);
  // Rows refused by the database come back after their batch; the report lists them in file order.
  report.rejections.sort((a, b) => a.line - b.line);
  report.durationMs = Date.now() - started;
  return report;
}

// ---------------------------------------------------------------------------------------------

interface ParsedRecord {
  record: Record<string, string>;
  info: { lines: number; bytes: number };
}

function csvParser() {
  return parse({
    columns: (header: string[]) => header.map((name) => name.trim()),
    bom: true,
    info: true,
    skip_empty_lines: true,
    // A row with a missing or extra cell becomes a rejected row rather than failing the file.
    relax_column_count: true,
  });
}

function checkHeader(header: string[], mapping: ColumnMapping): void {
  const missing = missingColumns(header, mapping);
  if (missing.length === 0) return;
  throw new ImportFileError(
    `The file is not a ${mapping.name} customer file: it has no ${missing.map((column) => `"${column}"`).join(', ')} column` +
      ` (found: ${header.slice(0, 8).join(', ') || 'nothing'}).`,
  );
}

/** A NUL byte in the first chunk means a binary file (a spreadsheet, an image), not CSV text. */
function guardAgainstBinary(input: Readable, parser: ReturnType<typeof csvParser>): void {
  input.once('data', (chunk: Buffer | string) => {
    const head = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (head.subarray(0, 8192).includes(0)) parser.destroy(new ImportFileError('The file is not a CSV text file (it contains binary data). Export it as CSV first.'));
  });
}

function asFileError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  // By class, not by code: csv-parse names one error INVALID_OPENING_QUOTE, without the CSV_ prefix.
  if (error instanceof CsvError) return new ImportFileError(`The file could not be read as CSV: ${error.message}`);
  return error;
}

function emptyReport(mapping: string, source: string): ImportReport {
  return {
    mapping,
    source,
    rows: 0,
    accepted: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
    rejectionsTruncated: false,
    causes: {},
    classifiedReasons: 0,
    durationMs: 0,
  };
}

function reject(report: ImportReport, row: RejectedRow): void {
  report.rejected++;
  if (report.rejections.length < maxReportedRejections) report.rejections.push(row);
  else report.rejectionsTruncated = true;
}

function addOutcome(report: ImportReport, outcome: BatchOutcome): void {
  report.created += outcome.created;
  report.updated += outcome.updated;
  report.unchanged += outcome.unchanged;
  report.accepted += outcome.created + outcome.updated + outcome.unchanged;
  for (const [cause, count] of Object.entries(outcome.causes)) {
    report.causes[cause] = (report.causes[cause] ?? 0) + count;
  }
  for (const row of outcome.rejected) reject(report, row);
}
