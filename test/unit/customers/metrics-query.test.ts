/** The churn report's query: malformed days are refused as input errors, never crash the refinements. */
import { metricsQuerySchema } from '../../../src/modules/customers/metrics/metrics.schemas';

describe('the churn report query', () => {
  it('when to is not a day but from is, then the query is refused naming to (found by fuzzing: it threw a TypeError)', () => {
    const parsed = metricsQuerySchema.safeParse({ period: 'quarter', from: '2026-01-01', to: 'abc' });

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['to']);
  });

  it('when both days parse but are more than ten years apart, then the query is refused', () => {
    expect(metricsQuerySchema.safeParse({ from: '2000-01-01', to: '2026-01-01' }).success).toBe(false);
    expect(metricsQuerySchema.safeParse({ from: '2026-03-01', to: '2026-01-01' }).success).toBe(false);
    expect(metricsQuerySchema.safeParse({ from: '2026-01-01', to: '2026-03-01' }).success).toBe(true);
  });
});
