/**
 * The churn report behind `GET /api/v1/metrics` and `npm run cli -- metrics`: churn and
 * retention per period (overall, by value tier, by cause), win-backs, and the survey response
 * rate. The win-back rate (won back / targeted) needs campaign targeting and stays null until
 * the campaigns module records who was targeted.
 */
import type { Connection } from 'mongoose';
import { customerModel, type Customer } from '../customer.model';
import { churnMetrics, periodsBetween, type CustomerHistory, type PeriodMetrics, type PeriodUnit } from './churn-metrics';
import type { MetricsQuery } from './metrics.schemas';
import { surveyResponseRates, type ResponseFigures } from './survey-response-rates';

export interface ChurnReport {
  period: PeriodUnit;
  from: Date;
  to: Date;
  periods: Array<PeriodMetrics & { surveyResponses: ResponseFigures; winBackRate: number | null }>;
}

/** By default the last 12 months, or the last 4 quarters, up to today. */
export async function churnReport(connection: Connection, query: MetricsQuery, now: Date = new Date()): Promise<ChurnReport> {
  const to = query.to ?? now;
  const from = query.from ?? new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - (query.period === 'month' ? 11 : 9), 1));
  const periods = periodsBetween(query.period, from, to);
  const [metrics, responses] = await Promise.all([loadHistories(connection).then((histories) => churnMetrics(histories, periods)), surveyResponseRates(connection, periods)]);
  return {
    period: query.period,
    from,
    to,
    periods: metrics.map((figures, index) => ({ ...figures, surveyResponses: responses[index], winBackRate: null })),
  };
}

type HistoryFields = Pick<Customer, 'status' | 'signupDate' | 'churns' | 'value' | 'cause'>;

/**
 * Every customer's signup, churn episodes, tier and cause: the little the metrics need. A
 * customer known to be churned without a churn date (a file without dates) is left out: we
 * cannot tell in which period they were lost, nor count them as a customer.
 */
async function loadHistories(connection: Connection): Promise<CustomerHistory[]> {
  const histories: CustomerHistory[] = [];
  const cursor = customerModel(connection)
    .find({}, { status: 1, signupDate: 1, churns: 1, 'value.tier': 1, 'cause.code': 1 })
    .lean<HistoryFields>()
    .batchSize(1000)
    .cursor();
  for await (const customer of cursor) {
    const { status, signupDate, churns, value, cause } = customer as HistoryFields;
    if (status === 'churned' && !churns?.length) continue;
    histories.push({ signupDate, churns: churns ?? [], tier: value?.tier, cause: cause?.code });
  }
  return histories;
}
