/**
 * Tests that read the IBM Telco churn file say so in their name and are reported as skipped
 * where the file is absent; CI has it, so there they always run.
 */
// Imported, not global: the build (npm run build) compiles test helpers without jest's types.
import { test } from '@jest/globals';
import { telcoFile, telcoFileExists } from './telco-file';

export { telcoFile, telcoFileExists };

/** `test` when the file is there; otherwise a test that only reports why it did not run. */
export const telcoTest: (name: string, fn: () => Promise<void>, timeout?: number) => void = telcoFileExists
  ? (name, fn, timeout) => test(name, fn, timeout)
  : (name) =>
      test(`${name} [skipped: ../shared/data/telco absent]`, () => {
        console.warn(`skipped "${name}": ${telcoFile} is absent`);
      });
