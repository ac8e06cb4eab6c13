/**
 * Reads one record of a customer file through a column mapping: every cell checked, every
 * problem named with the file's own column header, nothing half-read. An empty cell means "not
 * given" — an import never clears a field.
 */
import { z } from 'zod';
import type { KnownCauses } from '../../classification/known-causes';
import type { CauseCode } from '../causes';
import { churnTypes, customerLocales, type ChurnType, type CustomerLocale, type CustomerStatus } from '../vocabulary';
import type { ColumnMapping, ImportField } from './mappings';

export interface ImportedCustomer {
  externalId: string;
  name?: string;
  email?: string;
  phone?: string;
  company?: string;
  locale?: CustomerLocale;
  timezone?: string;
  plan?: string;
  signupDate?: Date;
  status?: CustomerStatus;
  churnedAt?: Date;
  churnType?: ChurnType;
  cause?: { code?: CauseCode; reason?: string };
  revenue: { monthly?: number; total?: number; costToServe?: number; tenureMonths?: number };
  emailConsent?: boolean;
  tags?: string[];
  attributes: Record<string, string | number>;
}

export type RowReading = { ok: true; customer: ImportedCustomer } | { ok: false; externalId?: string; problems: string[] };

/** Reads a record (header → cell) against the taxonomy `causes`; `problems` name the column and the reason. */
export function readRow(record: Record<string, string | undefined>, mapping: ColumnMapping, causes: KnownCauses): RowReading {
  const problems: string[] = [];
  const cell = (field: ImportField): string | undefined => {
    const column = mapping.columns[field];
    const value = column === undefined ? undefined : withoutFormulaGuard(record[column]?.trim());
    return value === '' ? undefined : value;
  };
  const read = <T>(field: ImportField, parse: (value: string) => T | Problem): T | undefined => {
    const value = cell(field);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed instanceof Problem) {
      problems.push(`${mapping.columns[field]}: ${parsed.reason}`);
      return undefined;
    }
    return parsed;
  };

  if (cell('externalId') === undefined) problems.push(`${mapping.columns.externalId}: missing`);
  const externalId = read('externalId', text(200));

  const causeReading = mapping.causeOf({ cause: cell('cause'), reason: cell('causeReason'), category: cell('causeCategory') }, causes);
  if ('problem' in causeReading) problems.push(`${mapping.columns.cause}: ${causeReading.problem}`);
  const causeReason = read('causeReason', text(2000));
  const causeCode = 'code' in causeReading ? causeReading.code : undefined;

  const customer: ImportedCustomer = {
    externalId: externalId ?? '',
    name: read('name', text(300)),
    email: read('email', email),
    phone: read('phone', text(50)),
    company: read('company', text(300)),
    locale: read('locale', locale),
    timezone: read('timezone', text(100)),
    plan: read('plan', text(200)),
    signupDate: read('signupDate', date),
    status: read('status', (value) => statusIn(mapping, value)),
    churnedAt: read('churnedAt', date),
    churnType: read('churnType', oneOf(churnTypes)),
    cause: causeCode || causeReason ? withoutUndefined({ code: causeCode, reason: causeReason }) : undefined,
    revenue: withoutUndefined({
      monthly: read('monthlyRevenue', amount),
      total: read('totalRevenue', amount),
      costToServe: read('costToServe', amount),
      tenureMonths: read('tenureMonths', wholeNumber),
    }),
    emailConsent: read('emailConsent', yesOrNo),
    tags: read('tags', tagList),
    attributes: readAttributes(record, mapping, problems),
  };
  if (problems.length > 0) return { ok: false, externalId, problems };
  return { ok: true, customer: withoutUndefined(customer) as ImportedCustomer };
}

/** The mapping's required columns that the file's header lacks. */
export function missingColumns(header: readonly string[], mapping: ColumnMapping): string[] {
  return mapping.requiredColumns.filter((column) => !header.includes(column));
}

// ---------------------------------------------------------------------------------------------

/** Our CSV export prefixes formula-like cells with an apostrophe; an exported file imports back as it was. */
function withoutFormulaGuard(value: string | undefined): string | undefined {
  return value !== undefined && /^'[=+\-@]/.test(value) ? value.slice(1) : value;
}

class Problem {
  constructor(readonly reason: string) {}
}

const text = (max: number) => (value: string) => (value.length > max ? new Problem(`longer than ${max} characters`) : value);

const emailSchema = z.email();
function email(value: string): string | Problem {
  return emailSchema.safeParse(value).success ? value.toLowerCase() : new Problem(`"${value}" is not an e-mail address`);
}

function amount(value: string): number | Problem {
  if (!/^-?\d+(\.\d+)?$/.test(value)) return new Problem(`"${value}" is not a number`);
  const number = Number(value);
  return number < 0 ? new Problem(`"${value}" must be 0 or more`) : number;
}

function wholeNumber(value: string): number | Problem {
  return /^\d+$/.test(value) ? Number(value) : new Problem(`"${value}" is not a whole number of 0 or more`);
}

/** YYYY-MM-DD, or a full ISO 8601 time; the calendar date must exist (no 2024-02-30). */
function date(value: string): Date | Problem {
  const bad = new Problem(`"${value}" is not a date (expected YYYY-MM-DD)`);
  const match = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (!match) return bad;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return bad;
  const parsed = match[4] ? new Date(value) : calendar;
  return Number.isNaN(parsed.getTime()) ? bad : parsed;
}

function locale(value: string): CustomerLocale | Problem {
  const found = customerLocales.find((known) => known.toLowerCase() === value.toLowerCase());
  return found ?? new Problem(`"${value}" is not one of ${customerLocales.join(', ')}`);
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T | Problem => values.find((known) => known === value.toLowerCase()) ?? new Problem(`"${value}" is not one of ${values.join(', ')}`);
}

function statusIn(mapping: ColumnMapping, value: string): CustomerStatus | Problem {
  const status = Object.hasOwn(mapping.statuses, value.toLowerCase()) ? mapping.statuses[value.toLowerCase()] : undefined;
  return status ?? new Problem(`"${value}" is not a known status (${Object.keys(mapping.statuses).join(', ')})`);
}

function yesOrNo(value: string): boolean | Problem {
  const word = value.toLowerCase();
  if (['yes', 'true', '1', 'y'].includes(word)) return true;
  if (['no', 'false', '0', 'n'].includes(word)) return false;
  return new Problem(`"${value}" is not yes or no`);
}

function tagList(value: string): string[] {
  return [...new Set(value.split(/[;|]/).map((tag) => tag.trim()).filter((tag) => tag !== ''))].sort();
}

function readAttributes(record: Record<string, string | undefined>, mapping: ColumnMapping, problems: string[]): Record<string, string | number> {
  const attributes: Record<string, string | number> = {};
  for (const [name, { column, type }] of Object.entries(mapping.attributes)) {
    const value = record[column]?.trim();
    if (value === undefined || value === '') continue;
    if (type === 'text') {
      attributes[name] = value.slice(0, 300);
      continue;
    }
    const number = Number(value);
    if (/^-?\d+(\.\d+)?$/.test(value) && Number.isFinite(number)) attributes[name] = number;
    else problems.push(`${column}: "${value}" is not a number`);
  }
  return attributes;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
