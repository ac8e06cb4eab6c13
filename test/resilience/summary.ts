/**
 * One row of the resilience summary. `npm run test:resilience` sets RESILIENCE_SUMMARY to a
 * JSON-lines file; each fault test appends its figures there and the run's global teardown
 * (summary-report.js) prints them as one table. Under plain `npm test` nothing is written.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface ResilienceRow {
  test: string;
  /** Faults injected (kills, outages, refused or timed-out hand-overs …). */
  trials: number;
  /** Messages that arrived, or writes attempted, depending on the test. */
  sends?: number;
  duplicates?: number;
  losses?: number;
  /** Messages the product could not know the fate of and left for a person (campaign `uncertain`). */
  uncertain?: number;
  acknowledgedWrites?: number;
  /** Whether everything worked again after the faults ended. */
  recovered: boolean;
  note?: string;
}

export function recordResilienceRow(row: ResilienceRow): void {
  const file = process.env.RESILIENCE_SUMMARY;
  if (!file) return;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}
