import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { guardFormula, writeCustomersCsv } from '../../../src/modules/customers/export/customers-csv';
import { importCustomers } from '../../../src/modules/customers/import/customer-import';
import { mappingPresets } from '../../../src/modules/customers/import/mappings';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

async function exportCsv(filter: Parameters<typeof writeCustomersCsv>[1]): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeCustomersCsv(db.connection, filter, output);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the formula guard', () => {
  it.each(['=HYPERLINK("http://evil")', '+1 555 0100', '-2+3', '@SUM(A1)', '\tx', '\rx'])('when a cell starts like a formula (%j), then it gets a leading apostrophe', (text) => {
    expect(guardFormula(text)).toBe(`'${text}`);
  });

  it('when a cell is ordinary text, then it is left alone', () => {
    expect(guardFormula('Ada = genius')).toBe('Ada = genius');
  });
});

describe('exporting customers as CSV', () => {
  it('when a filtered list is exported, then only matching customers are written, with formula-like text guarded', async () => {
    await customerModel(db.connection).create([
      { source: 'export', externalId: 'x-1', name: '=cmd|"/c calc"!A1', phone: '+44 20 7946 0000', status: 'churned', cause: { code: 'price', source: 'staff', setAt: new Date() }, tags: ['a', 'b'] },
      { source: 'export', externalId: 'x-2', name: 'Quiet Customer', status: 'active' },
    ]);

    const rows = parse(await exportCsv({ source: 'export', status: ['churned'] }), { columns: true, bom: true }) as Array<Record<string, string>>;

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ external_id: 'x-1', name: `'=cmd|"/c calc"!A1`, phone: `'+44 20 7946 0000`, status: 'churned', cause: 'price', tags: 'a;b' });
  });

  it('when an export is imported back with the generic mapping, then nothing changes', async () => {
    const original = 'external_id,name,email,monthly_revenue,tags\nr-1,@Round Trip,rt@example.com,12.5,a;b\nr-2,Second,,,\n';
    await importCustomers(db.connection, Readable.from([original]), { mapping: mappingPresets.generic, source: 'roundtrip' });
    const before = await customerModel(db.connection).find({ source: 'roundtrip' }).sort({ externalId: 1 }).lean<Customer[]>();

    const csv = await exportCsv({ source: 'roundtrip' });
    const report = await importCustomers(db.connection, Readable.from([csv]), { mapping: mappingPresets.generic, source: 'roundtrip' });

    expect(report).toMatchObject({ rows: 2, unchanged: 2, updated: 0, created: 0, rejected: 0 });
    const after = await customerModel(db.connection).find({ source: 'roundtrip' }).sort({ externalId: 1 }).lean<Customer[]>();
    expect(after).toEqual(before);
    expect(after[0].name).toBe('@Round Trip');
  });
});
