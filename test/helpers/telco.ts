/**
 * The IBM Telco churn file lives outside the repository (../shared/data/telco) and is never
 * copied in. Tests that read it say so in their name and are reported as skipped where the file
 * is absent; CI has it, so there they always run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';

export const telcoFile = path.resolve(projectRoot, '../shared/data/telco/telco_customers.csv');

export const telcoFileExists = existsSync(telcoFile);

/** `test` when the file is there; otherwise a test that only reports why it did not run. */
export const telcoTest: (name: string, fn: () => Promise<void>, timeout?: number) => void = telcoFileExists
  ? (name, fn, timeout) => test(name, fn, timeout)
  : (name) =>
      test(`${name} [skipped: ../shared/data/telco absent]`, () => {
        console.warn(`skipped "${name}": ${telcoFile} is absent`);
      });
