/** The dashboard after importing the IBM Telco file (../shared/data/telco): its churned customers and their causes. */
import { createReadStream } from 'node:fs';
import { importCustomers } from '../../../src/modules/customers/import/customer-import';
import { mappingPresets } from '../../../src/modules/customers/import/mappings';
import { dashboardQuerySchema } from '../../../src/modules/dashboard/dashboard.schemas';
import { dashboardFigures } from '../../../src/modules/dashboard/dashboard.service';
import { createTestDatabase } from '../../helpers/database';
import { telcoFile, telcoTest } from '../../helpers/telco';

telcoTest(
  'when the Telco file is imported, then the dashboard shows 1,869 churned customers split by cause as the import maps them',
  async () => {
    const db = await createTestDatabase();
    try {
      await importCustomers(db.connection, createReadStream(telcoFile), { mapping: mappingPresets.telco });

      const figures = await dashboardFigures(db.connection, dashboardQuerySchema.parse({}));

      expect(figures.churnedNow.total).toBe(1869);
      expect(Object.fromEntries(figures.churnedNow.byCause.map((row) => [row.cause, row.customers]))).toEqual({
        competitor: 841,
        service: 420,
        price: 211,
        product: 215,
        natural: 52,
        other: 130,
      });
    } finally {
      await db.close();
    }
  },
  60_000,
);
