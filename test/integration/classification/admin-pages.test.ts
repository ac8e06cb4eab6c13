/**
 * The admin settings for classification through HTTP: the cause taxonomy (rename in both
 * languages, add, retire and restore), model versions with rollback, and the review threshold
 * the product's classifier uses.
 */
import { activeModelVersion, listModelVersions } from '../../../src/modules/classification/classifier-model.service';
import { loadClassificationSettings } from '../../../src/modules/classification/classification-settings.store';
import { classifyCustomer } from '../../../src/modules/classification/customer-classification.service';
import { findCause } from '../../../src/modules/classification/taxonomy.service';
import { retrain, type ConfirmedLabel } from '../../../src/modules/classification/training.service';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';
import { churnedCustomer } from '../surveys/support';

let db: TestDatabase;
let app: ListeningApp;
let admin: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  admin = await signIn(app.url, await createStaff(db.connection, 'admin'));
});

afterAll(async () => {
  await app.close();
  await db.close();
});

describe('the cause taxonomy page', () => {
  it('when an admin opens it, then every default cause is listed with its labels in both languages', async () => {
    const response = await admin.get('/admin/causes');
    const html = await response.text();

    expect(response.status).toBe(200);
    for (const code of ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural', 'other']) expect(html).toContain(`action="/admin/causes/${code}/rename"`);
    expect(html).toContain('value="价格原因"');
  });

  it('when an admin renames a cause in both languages, then the new labels are stored and shown in the review queue', async () => {
    const response = await admin.postForm('/admin/causes/price/rename', { labelEn: 'Too expensive', labelZh: '太贵' });

    expect(response.status).toBe(303);
    expect((await findCause(db.connection, 'price'))?.labels).toEqual({ en: 'Too expensive', 'zh-CN': '太贵' });
    expect(await (await admin.get('/admin/causes')).text()).toContain('Cause “price” renamed.');
  });

  it('when a label is left empty, then nothing is renamed and the form says so', async () => {
    const response = await admin.postForm('/admin/causes/service/rename', { labelEn: '  ', labelZh: '服务' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Please correct the fields marked below.');
    expect((await findCause(db.connection, 'service'))?.labels.en).toBe('Service');
  });

  it('when an admin adds a cause, then it is stored; the same code again is refused', async () => {
    const fields = { code: 'facilities', labelEn: 'Facilities', labelZh: '设施', descriptionEn: 'Parking, gates, waiting rooms.', descriptionZh: '停车、道闸、等候区。', recoverable: 'yes', leverEn: 'Fix the site.', leverZh: '修好现场。' };

    const created = await admin.postForm('/admin/causes', fields);
    const again = await admin.postForm('/admin/causes', fields);

    expect(created.status).toBe(303);
    expect(await findCause(db.connection, 'facilities')).toMatchObject({ labels: { en: 'Facilities', 'zh-CN': '设施' }, builtIn: false, retired: false });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('A cause with this code exists already.');
  });

  it('when the new cause has a bad code, then nothing is added', async () => {
    const response = await admin.postForm('/admin/causes', { code: '9 lives!', labelEn: 'x', labelZh: 'x', descriptionEn: 'x', descriptionZh: 'x', recoverable: 'yes', leverEn: 'x', leverZh: 'x' });

    expect(response.status).toBe(400);
    expect(await findCause(db.connection, '9 lives!')).toBeNull();
  });

  it('when an admin retires and restores a cause, then it is flagged and unflagged; "other" cannot be retired', async () => {
    await admin.postForm('/admin/causes/relationship/retire', {});
    expect((await findCause(db.connection, 'relationship'))?.retired).toBe(true);

    await admin.postForm('/admin/causes/relationship/restore', {});
    expect((await findCause(db.connection, 'relationship'))?.retired).toBe(false);

    await admin.postForm('/admin/causes/other/retire', {});
    expect((await findCause(db.connection, 'other'))?.retired).toBe(false);
    expect(await (await admin.get('/admin/causes')).text()).toContain('cannot be retired');
  });

  it('when customer-success staff try the taxonomy, then it is forbidden', async () => {
    const success = await signIn(app.url, await createStaff(db.connection, 'success'));

    expect((await success.get('/admin/causes')).status).toBe(403);
    expect((await success.postForm('/admin/causes/price/retire', {})).status).toBe(403);
    expect((await findCause(db.connection, 'price'))?.retired).toBe(false);
  });
});

describe('the classifier models page', () => {
  const labels = (cause: string, texts: string[], at: string): ConfirmedLabel[] => texts.map((text, i) => ({ text, cause, confirmedAt: new Date(new Date(at).getTime() + i) }));

  it('when versions exist, then they are listed with macro-F1 and label count, and activating an earlier one rolls back', async () => {
    const first = [
      ...labels('price', ['too expensive', 'price went up', 'cannot afford it', '太贵了', '涨价了', 'bill doubled'], '2026-01-01'),
      ...labels('service', ['support was rude', 'nobody answered', 'slow support', '客服态度差', '没人回复', 'waited for weeks'], '2026-01-02'),
    ];
    await retrain(db.connection, { labelsSource: async () => first, minNewLabels: 1, reason: 'nightly' });
    await retrain(db.connection, { labelsSource: async () => [...first, ...labels('natural', ['we moved away'], '2026-02-01')], minNewLabels: 1, reason: 'manual' });

    const page = await (await admin.get('/admin/classifier')).text();

    const [newest, older] = await listModelVersions(db.connection);
    expect(newest).toMatchObject({ version: 2, active: true, labelCount: 13 });
    expect(page).toContain('<td>13</td>');
    expect(page).toContain(older.crossValidatedMacroF1!.toFixed(3));
    expect(page).toContain('action="/admin/classifier/versions/1/activate"');
    expect(page).not.toContain('action="/admin/classifier/versions/2/activate"');

    const response = await admin.postForm('/admin/classifier/versions/1/activate', {});

    expect(response.status).toBe(303);
    expect((await activeModelVersion(db.connection))?.version).toBe(1);
    expect(await (await admin.get('/admin/classifier')).text()).toContain('Model version 1 is active.');
  });

  it('when an unknown version is activated, then it is not found and the active one stays', async () => {
    const before = await activeModelVersion(db.connection);

    const response = await admin.postForm('/admin/classifier/versions/77/activate', {});

    expect(response.status).toBe(404);
    expect((await activeModelVersion(db.connection))?.version).toBe(before?.version);
  });

  it('when the review threshold is out of range, then nothing is saved', async () => {
    const before = await loadClassificationSettings(db.connection);

    const response = await admin.postForm('/admin/classifier/settings', { reviewThreshold: '1.5', retrainAfterLabels: '10' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Enter a number from 0 to 1.');
    expect(await loadClassificationSettings(db.connection)).toEqual(before);
  });

  it('when an admin raises the review threshold, then it is stored and the classifier sends unsure results to review', async () => {
    const customer = await churnedCustomer(db.connection);

    const response = await admin.postForm('/admin/classifier/settings', { reviewThreshold: '0.99', retrainAfterLabels: '20' });
    await classifyCustomer(db.connection, customer._id, { text: 'support was slow' });
    await admin.postForm('/admin/classifier/settings', { reviewThreshold: '0.25', retrainAfterLabels: '50' });

    expect(response.status).toBe(303);
    const { cause } = (await customerModel(db.connection).findById(customer._id).lean<Customer>().exec())!;
    expect(cause).toMatchObject({ code: 'other', needsReview: true, suggested: 'service' });
  });
});
