/**
 * What `GET /api/v1/metrics/dashboard` answers, as a zod schema of the JSON; the API description
 * shows it and its test parses a real response with it.
 */
import { z } from 'zod';
import { causeCodeSchema } from '../customers/causes';
import { valueTiers } from '../customers/vocabulary';
import { atRiskLevels } from './dashboard.service';

const moment = z.iso.datetime();
const count = z.number().int();
const percentOrNull = z.number().nullable().meta({ description: 'Percent, two decimals; null when there is nothing to divide by.' });
/** A cause code of the taxonomy, or `unknown` for customers lost without one (itself a code's shape). */
const causeKey = causeCodeSchema;
const responseFigures = z.object({ delivered: count, answered: count, rate: percentOrNull });

export const dashboardFiguresResponseSchema = z.object({
  from: moment,
  to: moment,
  source: z.enum(['snapshot', 'scan']).meta({ description: "Where the churn figures came from: today's snapshot, or a scan of the customers." }),
  snapshotTakenAt: moment.nullable().meta({ description: 'When the snapshot read was taken (source `snapshot`).' }),
  snapshotWouldCover: z.boolean().meta({ description: 'True when a snapshot taken now would cover the period (a scan only because none was taken today).' }),
  months: z.array(
    z.object({
      period: z.string().meta({ description: '`2025-03`.' }),
      start: moment,
      customersAtStart: count,
      customersAtEnd: count,
      newCustomers: count,
      lost: count,
      churnRate: percentOrNull,
      retentionRate: percentOrNull,
      lostByCause: z.partialRecord(causeKey, count),
      surveyResponses: responseFigures,
    }),
  ),
  causes: z.array(z.object({ cause: causeKey, lost: count, lostMonthlyRevenue: z.number() })).meta({ description: 'Every cause with customers lost in the period, most first.' }),
  causesByTier: z
    .object({ tiers: z.array(z.enum([...valueTiers, 'none'])), rows: z.array(z.object({ cause: causeKey, counts: z.array(count), total: count })) })
    .meta({ description: 'Customers lost per cause and value tier; `tiers` gives the order of `counts`.' }),
  churnedNow: z
    .object({ total: count, byCause: z.array(z.object({ cause: causeKey, customers: count })) })
    .meta({ description: 'Customers churned now, whatever the period (dated or not), by cause.' }),
  surveyResponses: responseFigures,
  campaigns: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      targeted: count,
      wonBack: count,
      winBackRate: percentOrNull,
      holdoutWinBackRate: percentOrNull,
      liftPoints: z.number().nullable().meta({ description: "Win-back rate minus the holdout's, in percentage points; null when the campaign had no holdout." }),
      recoveredRevenue: z.number(),
    }),
  ),
  atRisk: z.array(z.object({ level: z.enum(atRiskLevels), customers: count })).meta({ description: 'Customers still with us by RFM warning level.' }),
  competitors: z.array(z.object({ name: z.string(), mentions: count })).meta({ description: 'The ten competitors most often named in exit interviews in the period.' }),
  reviewQueue: count.meta({ description: 'Customers whose cause waits for staff review.' }),
});
