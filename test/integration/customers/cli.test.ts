import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli';
import { customerModel } from '../../../src/modules/customers/customer.model';
import { loadValueSettings } from '../../../src/modules/customers/value/value-settings.store';
import { createTestDatabase, type TestDatabase } from '../../helpers/database';

let db: TestDatabase;
let dir: string;
const saved = { MONGODB_URI: process.env.MONGODB_URI, DATA_DIR: process.env.DATA_DIR, LOG_LEVEL: process.env.LOG_LEVEL };

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  // The CLI connects the way the server does: here to this test's database.
  process.env.MONGODB_URI = `${db.uri}${db.dbName}`;
  process.env.LOG_LEVEL = 'silent';
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
  await db.close();
});

/** Runs a command as `npm run cli -- …` would, collecting what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await runCli(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

describe('npm run cli -- import customers', () => {
  it('when a file is imported twice, then the first run creates and reports the bad line, the second changes nothing', async () => {
    const csv = file('cli.csv', 'external_id,name,monthly_revenue\ncli-1,Ada,10\ncli-2,Bad,ten\ncli-3,Grace,20\n');

    const first = await cli('import', 'customers', '--file', csv, '--source', 'cli');
    const second = await cli('import', 'customers', '--file', csv, '--source', 'cli');

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created   2');
    expect(first.stdout).toContain('line 3 (cli-2): monthly_revenue: "ten" is not a number');
    expect(second.stdout).toContain('unchanged 2');
    expect(await customerModel(db.connection).countDocuments({ source: 'cli' })).toBe(2);
  });

  it('when the file or an option is wrong, then it exits 2 with the usage and imports nothing', async () => {
    const missing = await cli('import', 'customers', '--file', path.join(dir, 'nope.csv'));
    const noFile = await cli('import', 'customers');
    const badMapping = await cli('import', 'customers', '--file', file('x.csv', 'external_id\nx\n'), '--mapping', 'excel');

    expect([missing.code, noFile.code, badMapping.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toContain('No such file');
    expect(noFile.stderr).toContain('usage: npm run cli -- import customers');
    expect(badMapping.stderr).toContain('Unknown mapping "excel"');
  });

  it('when the file is not a customer file, then it exits 1 saying why', async () => {
    const result = await cli('import', 'customers', '--file', file('other.csv', 'a,b\n1,2\n'));

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('it has no "external_id" column');
  });

  it('when the embedded database folder is held by a running app, then it says to use npm run db and MONGODB_URI', async () => {
    const dataDir = path.join(dir, 'held');
    mkdirSync(path.join(dataDir, 'db'), { recursive: true });
    // The lock names a live process other than this one: the parent, standing in for `npm start`.
    writeFileSync(path.join(dataDir, 'db', 'embedded.lock'), String(process.ppid));
    process.env.MONGODB_URI = '';
    process.env.DATA_DIR = dataDir;
    try {
      const result = await cli('import', 'customers', '--file', file('held.csv', 'external_id\nh\n'));

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`is in use by process ${process.ppid}`);
      expect(result.stderr).toContain('npm run db');
      expect(result.stderr).toContain('MONGODB_URI=mongodb://127.0.0.1:27017/');
    } finally {
      process.env.MONGODB_URI = `${db.uri}${db.dbName}`;
      delete process.env.DATA_DIR;
    }
  });
});

describe('npm run cli -- metrics', () => {
  it('when asked for a quarter as JSON, then it prints the churn report', async () => {
    await customerModel(db.connection).create({ source: 'cli-metrics', externalId: 'm1', signupDate: new Date('2024-01-01'), status: 'churned', churns: [{ at: new Date('2025-02-01') }] });

    const result = await cli('metrics', '--period', 'quarter', '--from', '2025-01-01', '--to', '2025-03-31', '--json');

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { periods: Array<{ period: string; lost: number }> };
    expect(report.periods).toEqual([expect.objectContaining({ period: '2025-Q1', lost: 1 })]);
  });

  it('when printed as a table, then each period has a line with its rates', async () => {
    const result = await cli('metrics', '--period', 'month', '--from', '2025-02-01', '--to', '2025-02-28');

    expect(result.stdout).toMatch(/^period\s+start\s+new\s+lost\s+end\s+churn %\s+retention %/);
    expect(result.stdout).toMatch(/2025-02\s+\d+\s+\d+\s+1\s/);
  });

  it('when the period is not month or quarter, then it exits 2 naming the option', async () => {
    const result = await cli('metrics', '--period', 'week');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--period: expected month or quarter');
  });
});

describe('npm run cli -- value settings', () => {
  it('when an admin switches to absolute thresholds, then the choice is stored; an inconsistent one is refused', async () => {
    const changed = await cli('value', 'settings', '--set', 'tiers.mode=absolute', '--set', 'tiers.thresholds.VIP=50000');
    const refused = await cli('value', 'settings', '--set', 'tiers.thresholds.A=90000');

    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('Recomputed');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('each threshold must be at most the one of the tier above');
    expect((await loadValueSettings(db.connection)).tiers).toMatchObject({ mode: 'absolute', thresholds: { VIP: 50_000, A: 10_000 } });
  });
});
