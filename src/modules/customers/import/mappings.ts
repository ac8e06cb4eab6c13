/**
 * Column mappings: which column of a customer file holds which of our fields, and how the file's
 * words (statuses, churn reasons) translate into ours. Two presets ship: `telco` for the IBM
 * Telco churn file as it is, and `generic` with our own column names.
 */
import type { KnownCauses } from '../../classification/known-causes';
import type { CauseCode } from '../causes';
import type { CustomerStatus } from '../vocabulary';
import { telcoCause } from './telco-causes';

/** Fields a file can fill, as named in our own (generic) files. */
export const importFields = [
  'externalId',
  'name',
  'email',
  'phone',
  'company',
  'locale',
  'timezone',
  'plan',
  'signupDate',
  'status',
  'churnedAt',
  'churnType',
  'cause',
  'causeReason',
  'causeCategory',
  'monthlyRevenue',
  'totalRevenue',
  'costToServe',
  'tenureMonths',
  'emailConsent',
  'tags',
] as const;
export type ImportField = (typeof importFields)[number];

/** The cause of a row, or why the row's cause cannot be read. */
export type CauseReading = { code?: CauseCode } | { problem: string };

export interface ColumnMapping {
  name: string;
  description: string;
  /** Source recorded on the customers, unless the caller names another. */
  defaultSource: string;
  /** Headers a file must have: without them it is not a file for this mapping. */
  requiredColumns: readonly string[];
  /** Our field → the file's column header. */
  columns: { externalId: string } & Partial<Record<Exclude<ImportField, 'externalId'>, string>>;
  /** The file's status words, lower-cased → ours. */
  statuses: Readonly<Record<string, CustomerStatus>>;
  /** Reads the cause from the row's cause, reason and category cells; only an active cause of the taxonomy is set. */
  causeOf(cells: { cause?: string; reason?: string; category?: string }, causes: KnownCauses): CauseReading;
  /** Extra columns kept on the customer under `attributes`, by attribute name. */
  attributes: Readonly<Record<string, { column: string; type: 'number' | 'text' }>>;
}

const telco: ColumnMapping = {
  name: 'telco',
  description: 'The IBM Telco customer churn file (telco_customers.csv) as published',
  defaultSource: 'telco',
  requiredColumns: ['Customer ID', 'Customer Status'],
  columns: {
    externalId: 'Customer ID',
    status: 'Customer Status',
    tenureMonths: 'Tenure in Months',
    monthlyRevenue: 'Monthly Charge',
    totalRevenue: 'Total Revenue',
    plan: 'Contract',
    causeReason: 'Churn Reason',
    causeCategory: 'Churn Category',
  },
  // "Joined" customers signed up this quarter: active customers like "Stayed".
  statuses: { stayed: 'active', joined: 'active', churned: 'churned' },
  // The file's reasons map to built-in causes; one an admin retired is left to the classifier, which reads the reason.
  causeOf: ({ reason, category }, causes) => {
    const code = telcoCause(reason, category);
    return { code: code !== undefined && causes.isActive(code) ? code : undefined };
  },
  attributes: {
    cltv: { column: 'CLTV', type: 'number' },
    churnScore: { column: 'Churn Score', type: 'number' },
    satisfactionScore: { column: 'Satisfaction Score', type: 'number' },
    city: { column: 'City', type: 'text' },
    offer: { column: 'Offer', type: 'text' },
    internetType: { column: 'Internet Type', type: 'text' },
    paymentMethod: { column: 'Payment Method', type: 'text' },
  },
};

const generic: ColumnMapping = {
  name: 'generic',
  description: 'Our own column names: external_id, name, email, status, churned_at, cause, monthly_revenue …',
  defaultSource: 'crm',
  requiredColumns: ['external_id'],
  columns: {
    externalId: 'external_id',
    name: 'name',
    email: 'email',
    phone: 'phone',
    company: 'company',
    locale: 'locale',
    timezone: 'timezone',
    plan: 'plan',
    signupDate: 'signup_date',
    status: 'status',
    churnedAt: 'churned_at',
    churnType: 'churn_type',
    cause: 'cause',
    causeReason: 'cause_reason',
    monthlyRevenue: 'monthly_revenue',
    totalRevenue: 'total_revenue',
    costToServe: 'cost_to_serve',
    tenureMonths: 'tenure_months',
    emailConsent: 'email_consent',
    tags: 'tags',
  },
  statuses: { active: 'active', at_risk: 'at_risk', churned: 'churned', won_back: 'won_back' },
  causeOf: ({ cause }, causes) => {
    if (!cause) return {};
    const code = cause.trim().toLowerCase();
    const problem = causes.problemWith(code, 'assign');
    if (problem === null) return { code };
    const active = causes.active.map((known) => known.code).join(', ');
    return { problem: problem === 'unknown' ? `unknown cause "${cause}" (expected one of ${active})` : `cause "${cause}" is retired and can no longer be assigned` };
  },
  attributes: {},
};

export const mappingPresets: Readonly<Record<string, ColumnMapping>> = { telco, generic };

export const mappingNames = Object.keys(mappingPresets);

export function mappingNamed(name: string): ColumnMapping | undefined {
  return Object.hasOwn(mappingPresets, name) ? mappingPresets[name] : undefined;
}
