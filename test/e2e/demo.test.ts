/**
 * `npm run demo` as a newcomer runs it: its own process on an empty installation, then the
 * database it leaves behind is read to check that what the summary claims is really there.
 * A small synthetic set (--size) keeps it quick whether or not the Telco file is present.
 */
import { trusted } from 'mongoose';
import { staffAccountModel } from '../../src/modules/accounts/user.model';
import { callTaskModel } from '../../src/modules/campaigns/call-task.model';
import { campaignModel } from '../../src/modules/campaigns/campaign.model';
import { memberModel } from '../../src/modules/campaigns/member.model';
import { timelineEventModel } from '../../src/modules/customers/customer-event.model';
import { customerModel } from '../../src/modules/customers/customer.model';
import { transactionModel } from '../../src/modules/customers/transaction.model';
import { snapshotRunModel } from '../../src/modules/dashboard/snapshot.model';
import { interviewModel } from '../../src/modules/interviews/interview.model';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { responseModel } from '../../src/modules/surveys/response.model';
import type { DemoSummary } from '../../src/cli/demo/seed-demo';
import { verifyPassword } from '../../src/shared/auth/passwords';
import { outboxModel } from '../../src/shared/mail';
import { newDemoInstall, type DemoInstall } from '../helpers/demo-cli';

let install: DemoInstall;

beforeEach(async () => {
  install = await newDemoInstall();
});

afterEach(async () => {
  await install.remove();
});

test('when the demo runs on an empty installation, then every figure of its summary is in the database', async () => {
  const run = await install.runDemo(['--size', '300', '--surveyed', '50', '--json']);

  expect(run.code).toBe(0);
  const summary = JSON.parse(run.stdout) as DemoSummary;
  expect(summary.customers).toMatchObject({ origin: 'synthetic', source: 'demo', total: 300 });
  expect(summary.survey.sent).toBe(50);
  expect(summary.survey.answered).toBeGreaterThan(10);
  expect(summary.survey.answeredInChinese).toBeGreaterThan(0);
  expect(summary.survey.leftToClassifier).toBeGreaterThan(0);
  expect(summary.campaign.sent).toBeGreaterThan(0);
  expect(summary.campaign.wonBack).toBeGreaterThan(0);
  expect(summary.snapshotCells).toBeGreaterThan(0);

  const { connection, close } = await install.openDatabase();
  try {
    const customers = customerModel(connection);
    expect(await customers.countDocuments({})).toBe(300);
    expect(await customers.countDocuments({ status: 'churned' })).toBe(summary.customers.churned);
    const wonBack = summary.campaign.wonBack + summary.campaign.wonBackInHoldout;
    expect(await customers.countDocuments({ status: 'won_back' })).toBe(wonBack);
    // Each return went through the events service: a timeline entry, attributed to the campaign.
    expect(await timelineEventModel(connection).countDocuments({ type: 'reactivated' })).toBe(wonBack);
    expect(await memberModel(connection).countDocuments({ wonBackAt: trusted({ $ne: null }) })).toBe(wonBack);

    const staff = await staffAccountModel(connection).find({}).lean().exec();
    expect(staff.map((account) => account.role).sort()).toEqual(['admin', 'marketer', 'success']);
    for (const account of summary.accounts) {
      const stored = staff.find((candidate) => candidate.email === account.email);
      await expect(verifyPassword(stored!.passwordHash, account.password)).resolves.toBe(true);
    }

    expect(await invitationModel(connection).countDocuments({ status: trusted({ $in: ['sent', 'answered'] }) })).toBe(summary.survey.sent);
    expect(await outboxModel(connection).countDocuments({ category: 'survey.invitation' })).toBe(summary.survey.sent);
    expect(await responseModel(connection).countDocuments({})).toBe(summary.survey.answered);
    expect(await responseModel(connection).countDocuments({ locale: 'zh-CN' })).toBe(summary.survey.answeredInChinese);
    expect(await responseModel(connection).countDocuments({ 'derivedCause.source': 'classifier' })).toBe(summary.survey.leftToClassifier);

    const campaign = await campaignModel(connection).findById(summary.campaign.id).lean().exec();
    expect(campaign?.state).toBe('completed');
    expect(await outboxModel(connection).countDocuments({ category: 'campaign.message' })).toBe(summary.campaign.sent);
    expect(await callTaskModel(connection).countDocuments({ status: 'done' })).toBe(summary.vipCalls.interviews);
    expect(await interviewModel(connection).countDocuments({})).toBe(summary.vipCalls.interviews);
    expect(await transactionModel(connection).countDocuments({})).toBe(summary.payments.payments);
    expect(summary.payments.atRisk).toBeGreaterThan(0);
    expect(await customers.countDocuments({ status: 'at_risk' })).toBe(summary.payments.atRisk);
    expect(await snapshotRunModel(connection).countDocuments({})).toBe(1);
  } finally {
    await close();
  }
}, 60_000);

test('when the installation already has customers, then the demo refuses and changes nothing, and --force seeds it afresh', async () => {
  expect((await install.runDemo(['--size', '40', '--surveyed', '5', '--json'])).code).toBe(0);

  const again = await install.runDemo(['--size', '60', '--surveyed', '5']);

  expect(again.code).toBe(1);
  expect(again.stdout).toBe('');
  expect(again.stderr).toContain('already holds 40 customers and 3 staff accounts');
  expect(again.stderr).toContain('npm run demo -- --force');
  const untouched = await install.openDatabase();
  expect(await customerModel(untouched.connection).countDocuments({})).toBe(40);
  await untouched.close();
  const forced = await install.runDemo(['--size', '60', '--surveyed', '5', '--force']);
  expect(forced.stderr).toContain('Erasing 40 customers and 3 staff accounts');
  expect(forced.code).toBe(0);
  expect(forced.stdout).toContain('Demo staff accounts — the passwords are shown this once only:');
  const { connection, close } = await install.openDatabase();
  try {
    expect(await customerModel(connection).countDocuments({})).toBe(60);
    expect(await staffAccountModel(connection).countDocuments({})).toBe(3);
    // The erased database got its unique indexes back: the same customer cannot be stored twice.
    await expect(customerModel(connection).create({ source: 'demo', externalId: 'DEMO-00001' })).rejects.toMatchObject({ code: 11000 });
  } finally {
    await close();
  }
}, 60_000);
