/** A CSV file csv-parse cannot read is refused as a file problem (a 400 on the page), whatever csv-parse calls the error. */
import { Readable } from 'node:stream';
import { customerModel } from '../../../src/modules/customers/customer.model';
import { importCustomers, ImportFileError } from '../../../src/modules/customers/import/customer-import';
import { mappingPresets } from '../../../src/modules/customers/import/mappings';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

it('when a quote opens in the middle of a field, then the file is refused as unreadable CSV and nothing is imported (found by fuzzing: csv-parse names this error without the CSV_ prefix, and it was a 500)', async () => {
  const text = 'external_id,name,monthly_revenue\nq-1,Ada,12\nq-2,Bob,=HYPERLINK("x")\n';

  const outcome = importCustomers(db.connection, Readable.from([text]), { mapping: mappingPresets.generic, source: 'opening-quote' });

  await expect(outcome).rejects.toBeInstanceOf(ImportFileError);
  await expect(outcome).rejects.toThrow(/could not be read as CSV: Invalid Opening Quote/);
  expect(await customerModel(db.connection).countDocuments({ source: 'opening-quote' })).toBe(0);
});
