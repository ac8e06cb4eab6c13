/**
 * The host CRM reports recent payments of some active customers (events service), from which the
 * RFM early warning grades them: most pay as usual, some pay less or later (yellow, orange), a
 * few stopped a while ago (red) — and active customers at orange or red become "at risk".
 */
import type { Connection } from 'mongoose';
import { customerModel, type Customer } from '../../modules/customers/customer.model';
import { recordTransaction } from '../../modules/customers/transactions.service';
import { seededRandom, seedOf } from './seeded-random';

export interface DemoPaymentsOutcome {
  customers: number;
  payments: number;
  atRisk: number;
}

const DAY = 86_400_000;

/** Days ago of the two latest monthly payments, and the share the latest one paid of the usual bill. */
const patterns = [
  { weight: 0.55, lastDaysAgo: [1, 8], share: 1 },
  { weight: 0.2, lastDaysAgo: [1, 8], share: 0.85 },
  { weight: 0.15, lastDaysAgo: [12, 28], share: 0.6 },
  { weight: 0.1, lastDaysAgo: [35, 55], share: 1 },
];

export async function reportRecentPayments(connection: Connection, count: number): Promise<DemoPaymentsOutcome> {
  const active = await customerModel(connection)
    .find({ status: 'active' }, { externalId: 1, source: 1, 'revenue.monthly': 1 })
    .sort({ _id: 1 })
    .limit(count)
    .lean<Array<Pick<Customer, 'externalId' | 'source' | 'revenue'>>>()
    .exec();
  let payments = 0;
  for (const customer of active) {
    const random = seededRandom(seedOf(`payments:${customer.externalId}`));
    const pattern = pick(random.next(), patterns);
    const bill = customer.revenue?.monthly ?? 50;
    const lastAt = Date.now() - random.between(pattern.lastDaysAgo[0], pattern.lastDaysAgo[1]) * DAY;
    const bills = [
      { at: lastAt - 31 * DAY, amount: bill },
      { at: lastAt, amount: Math.round(bill * pattern.share * 100) / 100 },
    ];
    for (const [n, payment] of bills.entries()) {
      await recordTransaction(connection, {
        transactionId: `demo-payment-${customer.source}-${customer.externalId}-${n}`,
        customer: { externalId: customer.externalId, source: customer.source },
        at: new Date(payment.at),
        amount: payment.amount,
        kind: 'payment',
        currency: 'USD',
      });
      payments++;
    }
  }
  return { customers: active.length, payments, atRisk: await customerModel(connection).countDocuments({ status: 'at_risk' }) };
}

function pick<T extends { weight: number }>(draw: number, options: readonly T[]): T {
  let left = draw;
  for (const option of options) {
    left -= option.weight;
    if (left < 0) return option;
  }
  return options[options.length - 1];
}
