/**
 * `npm run demo [-- --size N] [--surveyed N] [--force] [--json]`: fills an empty installation
 * with a living product (src/cli/demo/seed-demo.ts) in the database `npm start` uses — the
 * embedded one in DATA_DIR, or MONGODB_URI — and prints what it made, the addresses to visit
 * and the demo accounts' passwords (shown this once only).
 *
 * It refuses a database that already has customers or staff accounts: made-up customers must
 * never mix with real ones. `--force` erases that database first, after saying what it holds.
 */
import { parseArgs } from 'node:util';
import type { Connection } from 'mongoose';
import type { Config } from '../../config';
import { staffAccountModel } from '../../modules/accounts/user.model';
import { customerModel } from '../../modules/customers/customer.model';
import { embeddedDbPath } from '../../shared/db/connection';
import { seedDemo, type DemoSummary } from '../demo/seed-demo';
import { CliDatabaseError, withDatabase } from '../database';
import type { CliCommand } from '../types';

const usage = 'usage: npm run demo [-- --size <customers>] [--surveyed <customers>] [--force] [--json]\n';

/** Churned customers sent the exit survey unless --surveyed says otherwise. */
const defaultSurveyed = 300;
/** Active customers whose recent payments are reported, for the early warning: a tenth of a small set. */
const payingCustomers = (size: number | undefined) => Math.min(150, Math.ceil((size ?? Infinity) / 10));

type DemoOutcome = { state: 'refused'; contents: Contents; config: Config } | { state: 'seeded'; summary: DemoSummary; config: Config };

interface DemoCommandOptions {
  size?: number;
  surveyed: number;
  force: boolean;
  json: boolean;
}

export const demoCommand: CliCommand = {
  description: 'Seed an empty database with a demo: customers, staff accounts, survey answers, a completed win-back campaign',

  async run(args) {
    const options = readOptions(args);
    if (typeof options === 'string') {
      process.stderr.write(`${options}\n${usage}`);
      return 2;
    }
    try {
      const outcome = await withDatabase(async ({ connection, config, logger }): Promise<DemoOutcome> => {
        const contents = await contentsOf(connection);
        if (contents.customers + contents.staff > 0) {
          if (!options.force) return { state: 'refused', contents, config };
          process.stderr.write(`Erasing ${describeContents(contents)} in ${whereIs(config)} (--force) …\n`);
          await eraseDatabase(connection);
        }
        const summary = await seedDemo({ connection, config, logger }, { size: options.size, surveyed: options.surveyed, paying: payingCustomers(options.size), progress: (text) => process.stderr.write(text) });
        return { state: 'seeded', summary, config };
      });
      if (outcome.state === 'refused') {
        process.stderr.write(refusal(outcome.contents, outcome.config));
        return 1;
      }
      process.stdout.write(options.json ? `${JSON.stringify(outcome.summary, null, 2)}\n` : describeSummary(outcome.summary, outcome.config));
      return 0;
    } catch (error) {
      if (error instanceof CliDatabaseError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

function readOptions(args: string[]): DemoCommandOptions | string {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { size: { type: 'string' }, surveyed: { type: 'string' }, force: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const size = values.size === undefined ? undefined : wholeNumber(values.size, 10, 100_000);
  if (size === null) return 'The --size must be a whole number of customers from 10 to 100000.';
  const surveyed = values.surveyed === undefined ? defaultSurveyed : wholeNumber(values.surveyed, 1, 5000);
  if (surveyed === null) return 'The --surveyed must be a whole number of customers from 1 to 5000.';
  return { size, surveyed, force: values.force, json: values.json };
}

function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

// ---------------------------------------------------------------------------------------------

interface Contents {
  customers: number;
  staff: number;
}

async function contentsOf(connection: Connection): Promise<Contents> {
  return { customers: await customerModel(connection).countDocuments({}), staff: await staffAccountModel(connection).countDocuments({}) };
}

/** Drops the database and builds every model's indexes again, as start-up does on a new one. */
async function eraseDatabase(connection: Connection): Promise<void> {
  await connection.dropDatabase();
  for (const model of Object.values(connection.models)) {
    await model.createCollection();
    await model.createIndexes();
  }
}

function refusal(contents: Contents, config: Config): string {
  return (
    `Refused: ${whereIs(config)} already holds ${describeContents(contents)}.\n` +
    'The demo only fills an empty database, so that made-up customers never mix with real ones and demo accounts never sit beside real sign-ins.\n' +
    'To erase everything in this database and seed the demo again: npm run demo -- --force\n'
  );
}

function describeContents({ customers, staff }: Contents): string {
  return `${count(customers)} customer${customers === 1 ? '' : 's'} and ${count(staff)} staff account${staff === 1 ? '' : 's'}`;
}

function whereIs(config: Config): string {
  return config.db.uri === undefined ? `the embedded database "${config.db.name}" in ${embeddedDbPath(config)}` : 'the database at MONGODB_URI';
}

/** What an operator reads after the demo: counts, the accounts, and where to look. */
export function describeSummary(summary: DemoSummary, config: Config): string {
  const { customers, survey, classifier, campaign, vipCalls, payments } = summary;
  const base = config.http.baseUrl;
  const origin = customers.origin === 'telco' ? 'from the IBM Telco churn file, with made-up names and example.com addresses added' : 'made up (synthetic, the same on every run)';
  const lift = campaign.lift ? `; lift over the holdout ${(campaign.lift.lift * 100).toFixed(1)} points` : '';
  const lines = [
    `Demo ready in ${(summary.durationMs / 1000).toFixed(1)} s, in ${whereIs(config)}.`,
    '',
    `Customers    ${count(customers.total)} ${origin}: ${count(customers.churned)} churned, ${count(customers.wonBack)} won back`,
    `Exit survey  ${count(survey.sent)} invitations sent to the outbox${survey.suppressed > 0 ? ` (${count(survey.suppressed)} suppressed, e.g. deceased)` : ''}; ${count(survey.answered)} answered, ${count(survey.answeredInChinese)} of them in Chinese`,
    `Classifier   ${count(survey.leftToClassifier)} answers' causes read from the customers' words as they arrived; re-run over the ${count(classifier.examined)} churned customers whose cause it owns: ${count(classifier.changed)} changed, ${count(classifier.needsReview)} waiting for review`,
    `Campaign     "${campaign.name}", completed: ${count(campaign.audience)} customers, ${count(campaign.holdout)} of them held out; ${count(campaign.sent)} messages sent, ${count(campaign.callTasks)} VIP call${campaign.callTasks === 1 ? '' : 's'} to make`,
    `             ${count(campaign.opened)} opened, ${count(campaign.clicked)} clicked; ${count(campaign.wonBack)} won back (${count(campaign.wonBackInHoldout)} in the holdout came back on their own), ${money(campaign.recoveredMonthlyRevenue)} monthly revenue recovered${lift}`,
    `VIP calls    ${count(vipCalls.interviews)} of ${count(vipCalls.tasks)} made and logged as exit interviews by the success manager (${count(vipCalls.competitorsNamed)} named a competitor)`,
    `Payments     ${count(payments.payments)} recent payments of ${count(payments.customers)} active customers; the early warning put ${count(payments.atRisk)} at risk`,
    `Dashboard    today's snapshot taken (${count(summary.snapshotCells)} cells)`,
    '',
    'Demo staff accounts — the passwords are shown this once only:',
    ...summary.accounts.map((account) => `  ${account.role.padEnd(9)} ${account.name.padEnd(13)} ${account.email.padEnd(28)} ${account.password}`),
    '',
    'Start the app with `npm start`, sign in, and look at:',
    `  ${base}/login`,
    `  ${base}/dashboard            churn, causes, survey responses and win-backs`,
    `  ${base}/customers            the customers, each with their timeline`,
    `  ${base}/surveys              the exit survey and its response rate`,
    `  ${base}/causes/review        causes the classifier was unsure of`,
    `  ${base}/campaigns/${campaign.id}  the campaign's report`,
    `  ${base}/admin/outbox         every message the demo "sent" (admin only)`,
  ];
  return `${lines.join('\n')}\n`;
}

function count(value: number): string {
  return value.toLocaleString('en');
}

function money(value: number): string {
  return value.toLocaleString('en', { style: 'currency', currency: 'USD' });
}
