/**
 * The demo's customers, loaded through the real importer (src/modules/customers/import):
 *
 * - with the IBM Telco churn file beside the project (../shared/data/telco, never copied in):
 *   the file as published (7,043 customers, 1,869 churned with their reasons), then a contact
 *   file for the same customers — made-up names, example.com addresses, languages, sign-up and
 *   churn dates — the kind of export a host CRM would add, since the Telco file has none;
 * - without it, or with `--size`: a synthetic file of that many customers in our own columns,
 *   generated here from a fixed seed, so every run makes the same customers.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Connection } from 'mongoose';
import type { BuiltInCauseCode } from '../../modules/customers/causes';
import { customerModel, type Customer } from '../../modules/customers/customer.model';
import { importCustomers, type ImportReport } from '../../modules/customers/import/customer-import';
import { mappingPresets } from '../../modules/customers/import/mappings';
import { projectRoot } from '../../shared/paths';
import { exitComments } from './exit-answers';
import { demoPerson } from './people';
import { seededRandom, seedOf, type SeededRandom } from './seeded-random';

/** Where the Telco file lives when the project sits beside the shared data folder. */
export const telcoFile = path.resolve(projectRoot, '../shared/data/telco/telco_customers.csv');

/** Customers in the synthetic file when the Telco file is absent and no --size was given. */
export const defaultSyntheticSize = 3000;

export interface DemoCustomersOptions {
  /** Synthetic customers to make; undefined uses the Telco file when it exists. */
  size?: number;
  now: Date;
}

export interface DemoCustomersOutcome {
  origin: 'telco' | 'synthetic';
  /** The source the customers are filed under (`telco` or `demo`). */
  source: string;
  /** The importer's reports, in the order the files were read. */
  imports: ImportReport[];
}

export async function importDemoCustomers(connection: Connection, options: DemoCustomersOptions): Promise<DemoCustomersOutcome> {
  if (options.size === undefined && existsSync(telcoFile)) {
    const published = await importCustomers(connection, createReadStream(telcoFile), { mapping: mappingPresets.telco, importedBy: 'demo', now: options.now });
    const contacts = await importCustomers(connection, Readable.from([await telcoContactFile(connection, options.now)]), {
      mapping: mappingPresets.generic,
      source: published.source,
      importedBy: 'demo',
      now: options.now,
    });
    return { origin: 'telco', source: published.source, imports: [published, contacts] };
  }
  const file = syntheticCustomerFile(options.size ?? defaultSyntheticSize, options.now);
  const report = await importCustomers(connection, Readable.from([file]), { mapping: mappingPresets.generic, source: 'demo', importedBy: 'demo', now: options.now });
  return { origin: 'synthetic', source: report.source, imports: [report] };
}

// ---------------------------------------------------------------------------------------------

const DAY = 86_400_000;

/** The generic mapping's columns this file fills (see mappings.ts). */
const contactColumns = ['external_id', 'name', 'email', 'locale', 'signup_date', 'churned_at', 'email_consent', 'tags'];

/** Names, addresses, languages and dates for every imported Telco customer, derived from its id. */
async function telcoContactFile(connection: Connection, now: Date): Promise<string> {
  const customers = await customerModel(connection)
    .find({ source: 'telco' }, { externalId: 1, status: 1, 'revenue.tenureMonths': 1 })
    .sort({ externalId: 1 })
    .lean<Array<Pick<Customer, 'externalId' | 'status' | 'revenue'>>>()
    .exec();
  const rows = customers.map((customer) => {
    const random = seededRandom(seedOf(customer.externalId));
    const dates = lifeDates(random, customer.status === 'churned', customer.revenue?.tenureMonths ?? random.between(1, 72), now);
    return contactRow(random, customer.externalId, dates);
  });
  return stringify(rows, { header: true, columns: contactColumns });
}

/** Our own columns, the cause given as a code or only in the customer's words (the importer's classifier reads those). */
const syntheticColumns = [...contactColumns, 'plan', 'status', 'churn_type', 'cause', 'cause_reason', 'monthly_revenue', 'total_revenue', 'tenure_months'];

/** Shares of churn causes, close to what the Telco file reports. */
const causeShares: ReadonlyArray<[BuiltInCauseCode, number]> = [
  ['competitor', 0.34],
  ['service', 0.2],
  ['price', 0.16],
  ['product', 0.12],
  ['relationship', 0.06],
  ['trust', 0.04],
  ['natural', 0.04],
  ['other', 0.04],
];

export function syntheticCustomerFile(size: number, now: Date): string {
  const random = seededRandom(20_250_601);
  const rows = Array.from({ length: size }, (_, index) => {
    const externalId = `DEMO-${String(index + 1).padStart(5, '0')}`;
    const plan = random.pick(['Month-to-Month', 'Month-to-Month', 'One Year', 'Two Year']);
    const churned = random.chance(plan === 'Month-to-Month' ? 0.4 : 0.12);
    const tenureMonths = random.between(1, 72);
    const monthly = Math.round((20 + random.next() * 100) * 100) / 100;
    const dates = lifeDates(random, churned, tenureMonths, now);
    const row: Record<string, string> = {
      ...contactRow(random, externalId, dates),
      plan,
      status: churned ? 'churned' : 'active',
      monthly_revenue: monthly.toFixed(2),
      total_revenue: (monthly * tenureMonths).toFixed(2),
      tenure_months: String(tenureMonths),
    };
    if (churned) {
      const cause = weighted(random, causeShares);
      const locale = row.locale as 'en' | 'zh-CN';
      row.churn_type = random.chance(0.1) ? 'involuntary' : 'voluntary';
      row.cause_reason = random.pick(exitComments[locale][cause]);
      // Most host CRMs record a reason code; the rest only kept what the customer said.
      if (random.chance(0.7)) row.cause = cause;
    }
    return row;
  });
  return stringify(rows, { header: true, columns: syntheticColumns });
}

interface LifeDates {
  signupDate: Date;
  churnedAt?: Date;
}

/** Churns spread over the last twelve months; the sign-up lies the tenure before the end. */
function lifeDates(random: SeededRandom, churned: boolean, tenureMonths: number, now: Date): LifeDates {
  const churnedAt = churned ? new Date(now.getTime() - random.between(1, 360) * DAY) : undefined;
  const end = churnedAt ?? now;
  return { signupDate: new Date(end.getTime() - tenureMonths * 30.4 * DAY), churnedAt };
}

/** A third of the customers are written to in Chinese; a few never gave e-mail consent. */
function contactRow(random: SeededRandom, externalId: string, dates: LifeDates): Record<string, string> {
  const locale = random.chance(0.3) ? 'zh-CN' : 'en';
  const person = demoPerson(random, locale, externalId);
  return {
    external_id: externalId,
    name: person.name,
    email: person.email,
    locale,
    signup_date: isoDay(dates.signupDate),
    churned_at: dates.churnedAt ? isoDay(dates.churnedAt) : '',
    email_consent: random.chance(0.92) ? 'yes' : 'no',
    tags: 'demo',
  };
}

function weighted<T>(random: SeededRandom, shares: ReadonlyArray<[T, number]>): T {
  let draw = random.next() * shares.reduce((sum, [, share]) => sum + share, 0);
  for (const [item, share] of shares) {
    draw -= share;
    if (draw < 0) return item;
  }
  return shares[shares.length - 1][0];
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
