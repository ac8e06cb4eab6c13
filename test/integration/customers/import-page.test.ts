import { customerModel } from '../../../src/modules/customers/customer.model';
import { startTestApp } from '../../helpers/app';
import { createStaff, signIn, type Agent } from '../../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import type { ListeningApp } from '../../helpers/http';

let db: TestDatabase;
let app: ListeningApp;
let success: Agent;
let marketer: Agent;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp({ connection: db.connection });
  success = await signIn(app.url, await createStaff(db.connection, 'success'));
  marketer = await signIn(app.url, await createStaff(db.connection, 'marketer'));
});

afterAll(async () => {
  await app.close();
  await db.close();
});

async function upload(agent: Agent, file: { name: string; type: string; content: string | Uint8Array } | null, fields: Record<string, string> = {}) {
  const form = new FormData();
  if (file) form.set('file', new Blob([file.content], { type: file.type }), file.name);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const token = await agent.csrfToken();
  const response = await agent.fetch(`/customers/import?_csrf=${encodeURIComponent(token)}`, { method: 'POST', body: form, headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
}

const countOf = (source: string) => customerModel(db.connection).countDocuments({ source });

describe('the import page', () => {
  it('when customer success opens the page, then the upload form is shown with both column mappings', async () => {
    const response = await success.get('/customers/import', { headers: { accept: 'text/html' } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('value="telco"');
    expect(html).toContain('value="generic"');
  });

  it('when a CSV with one bad row is uploaded, then the good rows are imported and the report names the bad line', async () => {
    const csv = 'external_id,name,status\nweb-1,Ada,active\nweb-2,<b>Bold</b>,gone\nweb-3,Grace,churned\n';

    const { status, html } = await upload(success, { name: 'customers.csv', type: 'text/csv', content: csv }, { mapping: 'generic', source: 'upload' });

    expect(status).toBe(200);
    expect(html).toMatch(/Created<\/th><td class="num">2</);
    expect(html).toMatch(/Rejected<\/th><td class="num">1</);
    expect(html).toContain('<td class="num">3</td><td>web-2</td>');
    expect(html).toContain('status: &quot;gone&quot; is not a known status');
    expect(await countOf('upload')).toBe(2);
  });

  it('when the upload is not a CSV file, then the form comes back with a clear message and nothing is written', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const { status, html } = await upload(success, { name: 'photo.png', type: 'image/png', content: png }, { source: 'not-csv' });

    expect(status).toBe(400);
    expect(html).toContain('This is not a CSV file.');
    expect(await countOf('not-csv')).toBe(0);
  });

  it('when a .csv file is empty or binary inside, then the form says why and nothing is written', async () => {
    const empty = await upload(success, { name: 'empty.csv', type: 'text/csv', content: '' }, { source: 'empty-upload' });
    const binary = await upload(success, { name: 'sheet.csv', type: 'text/csv', content: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]) }, { source: 'empty-upload' });

    expect(empty.status).toBe(400);
    expect(empty.html).toContain('The file has no customer rows');
    expect(binary.status).toBe(400);
    expect(binary.html).toContain('not a CSV text file');
    expect(await countOf('empty-upload')).toBe(0);
  });

  it('when no file is chosen or the source is malformed, then each field says what is wrong', async () => {
    const { status, html } = await upload(success, null, { source: 'Not Valid!' });

    expect(status).toBe(400);
    expect(html).toContain('Choose a CSV file to upload.');
    expect(html).toContain('Use lowercase letters, digits, - or _');
  });

  it('when a marketer tries to import, then it is forbidden and nothing is written', async () => {
    const { status } = await upload(marketer, { name: 'customers.csv', type: 'text/csv', content: 'external_id\nm-1\n' }, { source: 'marketer' });

    expect(status).toBe(403);
    expect(await countOf('marketer')).toBe(0);
  });
});

describe('the CSV export', () => {
  it('when a marketer exports churned customers, then a CSV download holds just them, with formula-like cells guarded', async () => {
    await customerModel(db.connection).create([
      { source: 'exported', externalId: 'e-1', name: '=HYPERLINK("http://evil.example")', status: 'churned' },
      { source: 'exported', externalId: 'e-2', name: 'Still Here', status: 'active' },
    ]);

    const response = await marketer.get('/customers/export.csv?source=exported&status=churned');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.startsWith('id,source,external_id,')).toBe(true);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(text).not.toContain('Still Here');
  });

  it('when the filter is malformed, then a 400 page explains it', async () => {
    const response = await marketer.get('/customers/export.csv?tier=Z', { headers: { accept: 'text/html' } });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Some of the input is not valid.');
  });
});
