/**
 * What a survey answer costs the database, and what the caches on its path may and may not
 * miss: the submission's round trips are counted through the page, a survey version is read
 * once, a webhook endpoint or a classifier change made in this process counts at once, and one
 * made by another process reaches survey comments within the cache's time-to-live.
 */
import mongoose, { type Connection } from 'mongoose';
import { loadActiveClassifier, recentActiveClassifier } from '../../../src/modules/classification/active-classifier';
import { saveClassificationSettings } from '../../../src/modules/classification/classification-settings.store';
import { saveModelVersion } from '../../../src/modules/classification/classifier-model.service';
import { surveyTextClassifier } from '../../../src/modules/classification/customer-classification.service';
import { trainModel } from '../../../src/modules/classification/training.service';
import { invitationModel } from '../../../src/modules/surveys/invitation.model';
import { inviteCustomer } from '../../../src/modules/surveys/invitations.service';
import { ensureDefaultSurvey } from '../../../src/modules/surveys/surveys.service';
import { announceToWebhooks } from '../../../src/modules/webhooks/deliveries.service';
import { registerEndpoint } from '../../../src/modules/webhooks/endpoints.service';
import { webhookDeliveryModel } from '../../../src/modules/webhooks/webhook-delivery.model';
import { newLinkToken } from '../../../src/shared/security/tokens';
import { startTestApp } from '../../helpers/app';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { churnedCustomer } from './support';

let db: TestDatabase;
let connection: Connection;
let app: ListeningApp;
const commands: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // The app's own connection, with command events on, so every round trip is seen.
  connection = await mongoose.createConnection(db.uri, { dbName: db.dbName, monitorCommands: true }).asPromise();
  connection.getClient().on('commandStarted', (event) => commands.push(`${event.commandName} ${String(event.command[event.commandName])}`));
  await ensureDefaultSurvey(connection);
  app = await startTestApp({ connection });
});
afterAll(async () => {
  await app.close();
  await connection.close();
  await db.close();
});

async function invitedToken(): Promise<string> {
  const customer = await churnedCustomer(connection);
  const { invitation } = await inviteCustomer(connection, customer._id, { origin: 'test', delayMinutes: 0 });
  const link = newLinkToken();
  await invitationModel(connection).updateOne({ _id: invitation._id }, { $set: { status: 'sent' }, $push: { tokenHashes: link.hash } });
  return link.token;
}

async function submit(token: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${app.url}/s/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
}

async function commandsOf(action: () => Promise<unknown>): Promise<string[]> {
  const before = commands.length;
  await action();
  return commands.slice(before);
}

test('when a customer answers, then the submission costs five database round trips and reads the survey version only the first time', async () => {
  const answer = { 'q_main-reason': 'price', q_details: 'Too expensive for us now.' };
  const [first, second] = [await invitedToken(), await invitedToken()];

  const firstCommands = await commandsOf(async () => expect((await submit(first, answer)).status).toBe(200));
  const secondCommands = await commandsOf(async () => expect((await submit(second, answer)).status).toBe(200));

  expect(firstCommands).toContain('find surveys');
  expect(secondCommands.sort()).toEqual(['find survey_invitations', 'insert survey_responses', 'update survey_invitations', 'findAndModify customers', 'insert customer_events'].sort());
});

test('when a webhook endpoint is registered right after an event found none, then the next event is queued for it', async () => {
  expect(await announceToWebhooks(connection, 'survey.responded', { note: 'nobody listens yet' })).toBe(0);
  const quiet = await commandsOf(() => announceToWebhooks(connection, 'survey.responded', { note: 'still nobody' }));
  expect(quiet).toEqual([]);

  const { endpoint } = await registerEndpoint(connection, { url: 'https://hooks.example.com/', eventTypes: ['survey.responded'] }, { actor: { id: 'admin-1' }, resolveHost: async () => ['93.184.215.14'] });
  expect(await announceToWebhooks(connection, 'survey.responded', { note: 'now someone listens' })).toBe(1);

  expect(await webhookDeliveryModel(connection).countDocuments({ endpointId: endpoint._id })).toBe(1);
});

test('when a newly trained model is activated in this process, then the next survey comment is read by it', async () => {
  const classify = surveyTextClassifier(connection);
  const comment = 'the garage gate never opens';
  await classify(comment, 'en');
  expect(await commandsOf(() => classify(comment, 'en'))).toEqual([]);

  const { model } = trainModel(Array.from({ length: 6 }, () => ({ text: comment, cause: 'service' })));
  const saved = await saveModelVersion(connection, { model, labelCount: 6, crossValidatedMacroF1: null, perCauseF1: [], labelsConfirmedUntil: null, reason: 'manual' });

  expect(await commandsOf(() => classify(comment, 'en'))).toContain('find classifierModels');
  expect((await loadActiveClassifier(connection)).modelVersion).toBe(saved.version);
});

test('when another process changes the review threshold, then bulk runs and staff actions read it at once, survey comments within the time-to-live (this process: at once)', async () => {
  const before = (await recentActiveClassifier(connection)).settings.reviewThreshold;
  // Straight through the driver, as another process's write looks from here.
  await connection.collection<{ _id: string }>('settings').updateOne({ _id: 'classification' }, { $set: { 'settings.reviewThreshold': 0.91 } }, { upsert: true });

  expect((await loadActiveClassifier(connection)).settings.reviewThreshold).toBe(0.91);
  expect((await recentActiveClassifier(connection)).settings.reviewThreshold).toBe(before);
  await saveClassificationSettings(connection, { reviewThreshold: 0.42, retrainAfterLabels: 50 });
  expect((await recentActiveClassifier(connection)).settings.reviewThreshold).toBe(0.42);
});
