/**
 * Where the IBM Telco churn file lives: outside the repository (../shared/data/telco), never
 * copied in. Plain Node, so benchmarks can use it too (test/helpers/telco.ts adds the jest part).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';

export const telcoFile = path.resolve(projectRoot, '../shared/data/telco/telco_customers.csv');

export const telcoFileExists = existsSync(telcoFile);
