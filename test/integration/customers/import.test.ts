import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { customerModel, type Customer } from '../../../src/modules/customers/customer.model';
import { importCustomers, ImportFileError } from '../../../src/modules/customers/import/customer-import';
import { mappingPresets } from '../../../src/modules/customers/import/mappings';
import { telcoCause } from '../../../src/modules/customers/import/telco-causes';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';
import { telcoFile, telcoTest } from '../../helpers/telco';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

const generic = mappingPresets.generic;
const csv = (text: string) => Readable.from([Buffer.from(text)]);
const header = 'external_id,name,email,status,churned_at,cause,monthly_revenue,tenure_months';

function customersOf(source: string) {
  return customerModel(db.connection).find({ source }).sort({ externalId: 1 }).lean<Customer[]>();
}

describe('importing the Telco file', () => {
  telcoTest(
    'when the Telco file (../shared/data/telco) is imported, then 7,043 customers, 1,869 churned, causes as the table maps the reasons; a second import changes nothing',
    async () => {
      // A database of its own: the tiers are cut over everyone, so other tests' rows stay out.
      const telcoDb = await createTestDatabase();
      try {
        await checkTelcoImport(telcoDb);
      } finally {
        await telcoDb.close();
      }
    },
    60_000,
  );

  async function checkTelcoImport(telcoDb: TestDatabase) {
    const first = await importCustomers(telcoDb.connection, createReadStream(telcoFile), { mapping: mappingPresets.telco });
    const second = await importCustomers(telcoDb.connection, createReadStream(telcoFile), { mapping: mappingPresets.telco });

    const customers = customerModel(telcoDb.connection);
    expect(first).toMatchObject({ rows: 7043, accepted: 7043, created: 7043, updated: 0, unchanged: 0, rejected: 0 });
    expect(second).toMatchObject({ rows: 7043, accepted: 7043, created: 0, updated: 0, unchanged: 7043, rejected: 0 });
    expect(await customers.countDocuments({ source: 'telco' })).toBe(7043);
    expect(await customers.countDocuments({ source: 'telco', status: 'churned' })).toBe(1869);

    const rows = parse(readFileSync(telcoFile), { columns: true, bom: true }) as Array<Record<string, string>>;
    const expected: Record<string, number> = {};
    for (const row of rows) {
      const cause = telcoCause(row['Churn Reason'], row['Churn Category']);
      if (cause) expected[cause] = (expected[cause] ?? 0) + 1;
    }
    const stored = await customers.aggregate<{ _id: string; n: number }>([
      { $match: { source: 'telco', 'cause.code': { $exists: true } } },
      { $group: { _id: '$cause.code', n: { $sum: 1 } } },
    ]);
    expect(Object.fromEntries(stored.map(({ _id, n }) => [_id, n]))).toEqual(expected);
    expect(expected).toEqual({ competitor: 841, service: 420, price: 211, product: 215, natural: 52, other: 130 });
    expect(first.causes).toEqual(expected);

    const sample = await customers.findOne({ source: 'telco', externalId: '8779-QRDMV' }).lean<Customer>();
    expect(sample).toMatchObject({
      status: 'churned',
      plan: 'Month-to-Month',
      revenue: { monthly: 39.65, total: 59.65, tenureMonths: 1 },
      cause: { code: 'competitor', reason: 'Competitor offered more data', source: 'import' },
      attributes: expect.objectContaining({ cltv: 5433, city: 'Los Angeles' }),
    });
    expect(sample?.value?.clv).toBeGreaterThan(0);
    const tiers = await customers.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$value.tier', n: { $sum: 1 } } }]);
    expect(tiers.map((tier) => tier._id).sort()).toEqual(['A', 'B', 'C', 'D', 'VIP']);
  }
});

describe('importing a file with bad rows', () => {
  it('when some rows lack an id or have a bad number, date or status, then the good rows are imported and each bad one is reported with its line', async () => {
    const file = [
      header,
      'b-1,Ada Lovelace,ADA@example.com,churned,2025-03-14,price,120.50,14',
      ',No Id,noid@example.com,active,,,10,1',
      'b-3,Bad Number,bad@example.com,active,,,twelve,3',
      'b-4,Bad Date,date@example.com,churned,2025-02-30,service,10,3',
      'b-5,Bad Status,status@example.com,gone,,,10,3',
      'b-6,Grace Hopper,grace@example.com,active,,,80,30',
      'b-7,Bad Cause,cause@example.com,churned,2025-01-01,weather,10,3',
      'b-1,Twice,twice@example.com,active,,,1,1',
    ].join('\n');

    const report = await importCustomers(db.connection, csv(file), { mapping: generic, source: 'bad-rows' });

    expect(report).toMatchObject({ rows: 8, accepted: 2, created: 2, rejected: 6 });
    expect(report.rejections).toEqual([
      { line: 3, reasons: ['external_id: missing'] },
      { line: 4, externalId: 'b-3', reasons: ['monthly_revenue: "twelve" is not a number'] },
      { line: 5, externalId: 'b-4', reasons: ['churned_at: "2025-02-30" is not a date (expected YYYY-MM-DD)'] },
      { line: 6, externalId: 'b-5', reasons: ['status: "gone" is not a known status (active, at_risk, churned, won_back)'] },
      { line: 8, externalId: 'b-7', reasons: ['cause: unknown cause "weather" (expected one of price, competitor, product, service, trust, relationship, natural, other)'] },
      { line: 9, externalId: 'b-1', reasons: ['external_id: repeats line 2'] },
    ]);
    const stored = await customersOf('bad-rows');
    expect(stored.map((customer) => customer.externalId)).toEqual(['b-1', 'b-6']);
    expect(stored[0]).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      status: 'churned',
      churnedAt: new Date('2025-03-14T00:00:00Z'),
      churns: [{ at: new Date('2025-03-14T00:00:00Z') }],
      cause: { code: 'price', source: 'import' },
      revenue: { monthly: 120.5, tenureMonths: 14 },
      searchKeys: ['ada', 'ada lovelace', 'ada@example.com', 'b-1', 'lovelace'],
      contact: { emailConsent: false, doNotContact: false },
      locale: 'en',
      tags: [],
    });
    // Stored without a mongoose document per row, yet with the schema's defaults and timestamps.
    expect(stored[0].createdAt).toBeInstanceOf(Date);
  });

  it('when a row has fewer cells than the header, then that row is rejected for its missing cells, not the file', async () => {
    const report = await importCustomers(db.connection, csv(`${header}\nshort-1,Short\nshort-2,Fine,fine@example.com,active,,,5,2\n`), {
      mapping: generic,
      source: 'short-rows',
    });

    expect(report).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
    expect((await customersOf('short-rows')).map((customer) => customer.externalId)).toEqual(['short-1', 'short-2']);
  });
});

describe('re-importing', () => {
  it('when one row changed since the last import, then only that customer is updated, and only the changed fields', async () => {
    const rows = ['r-1,One,one@example.com,active,,,10,1', 'r-2,Two,two@example.com,active,,,20,2'];
    await importCustomers(db.connection, csv([header, ...rows].join('\n')), { mapping: generic, source: 'reimport' });
    const before = await customersOf('reimport');

    const report = await importCustomers(db.connection, csv([header, rows[0], 'r-2,Two,two@example.com,churned,2025-05-01,competitor,25,2'].join('\n')), {
      mapping: generic,
      source: 'reimport',
    });

    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 1, rejected: 0 });
    const after = await customersOf('reimport');
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toMatchObject({ status: 'churned', cause: { code: 'competitor' }, revenue: { monthly: 25, tenureMonths: 2 } });
    expect(after[1].value?.clv).toBeGreaterThan(before[1].value!.clv);
  });

  it('when staff set a cause after the import, then re-importing the file keeps the staff cause', async () => {
    const file = [header, 's-1,Staffed,s1@example.com,churned,2025-04-01,price,10,3'].join('\n');
    await importCustomers(db.connection, csv(file), { mapping: generic, source: 'staff-cause' });
    await customerModel(db.connection).updateOne(
      { source: 'staff-cause', externalId: 's-1' },
      { $set: { cause: { code: 'service', source: 'staff', setBy: 'someone', setAt: new Date() } } },
    );

    const report = await importCustomers(db.connection, csv(file), { mapping: generic, source: 'staff-cause' });

    expect(report).toMatchObject({ unchanged: 1, causes: { service: 1 } });
    expect((await customersOf('staff-cause'))[0].cause).toMatchObject({ code: 'service', source: 'staff' });
  });
});

describe('files that cannot be imported', () => {
  it.each([
    ['an empty file', ''],
    ['a file with only blank lines', '\n\n  \n'],
    ['a header without rows', `${header}\n`],
  ])('when the upload is %s, then it is refused as having no customer rows', async (_, text) => {
    await expect(importCustomers(db.connection, csv(text), { mapping: generic, source: 'empty' })).rejects.toThrow(
      new ImportFileError('The file has no customer rows: it is empty or has only a header.'),
    );
  });

  it('when the upload is binary, then it is refused as not CSV and nothing is written', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR')]);

    await expect(importCustomers(db.connection, Readable.from([png]), { mapping: generic, source: 'binary' })).rejects.toThrow(/not a CSV text file/);
    expect(await customerModel(db.connection).countDocuments({ source: 'binary' })).toBe(0);
  });

  it('when the file lacks the mapping columns, then it is refused naming them and nothing is written', async () => {
    const attempt = importCustomers(db.connection, csv('id,full name\n1,Ada\n'), { mapping: mappingPresets.telco, source: 'wrong-columns' });

    await expect(attempt).rejects.toThrow('The file is not a telco customer file: it has no "Customer ID", "Customer Status" column (found: id, full name).');
    expect(await customerModel(db.connection).countDocuments({ source: 'wrong-columns' })).toBe(0);
  });

  it('when a quote is never closed, then the file is refused as unreadable CSV', async () => {
    await expect(importCustomers(db.connection, csv(`${header}\nq-1,"Open quote,x@example.com,active,,,1,1\n`), { mapping: generic, source: 'quote' })).rejects.toThrow(
      /could not be read as CSV/,
    );
  });
});

describe('a file that breaks part-way', () => {
  it('when the CSV turns unreadable after some batches were stored, then those rows stay and the report says where reading stopped', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `b-${i},Person ${i},,active,,,${i},${i}`);
    // As an upload arrives: the broken part comes in a later chunk, after batches were stored.
    const upload = Readable.from(
      (async function* () {
        yield Buffer.from(`${[header, ...rows].join('\n')}\n`);
        await new Promise((resolve) => setTimeout(resolve, 300));
        yield Buffer.from('b-x,"Broken "quote",,active,,,1,1\nb-after,After,,active,,,1,1\n');
      })(),
    );

    const report = await importCustomers(db.connection, upload, { mapping: generic, source: 'broken-late', batchSize: 10 });

    // Every row before the line where reading stopped is stored, none after (the parser may hold back the last good row).
    expect(report.created).toBeGreaterThanOrEqual(20);
    expect(report.stoppedAt).toMatchObject({ line: report.created + 2, reason: expect.stringMatching(/could not be read as CSV/) });
    expect(await customerModel(db.connection).countDocuments({ source: 'broken-late' })).toBe(report.created);
    expect(await customerModel(db.connection).countDocuments({ source: 'broken-late', externalId: 'b-after' })).toBe(0);
  });

  it('when the CSV turns unreadable before any batch was stored, then the file is refused and nothing is written', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `e-${i},Person ${i},,active,,,${i},${i}`);
    const text = [header, ...rows, 'e-x,"Broken "quote",,active,,,1,1'].join('\n');

    await expect(importCustomers(db.connection, csv(text), { mapping: generic, source: 'broken-early', batchSize: 10 })).rejects.toThrow(/could not be read as CSV/);
    expect(await customerModel(db.connection).countDocuments({ source: 'broken-early' })).toBe(0);
  });
});

describe('progress', () => {
  it('when a file spans several batches, then progress is reported after each, counting up to the total', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `p-${i},Person ${i},,active,,,${i},${i}`);
    const seen: number[] = [];

    await importCustomers(db.connection, csv([header, ...rows].join('\n')), {
      mapping: generic,
      source: 'progress',
      batchSize: 10,
      onProgress: ({ rows: done }) => seen.push(done),
    });

    expect(seen).toEqual([10, 20, 25]);
  });
});
