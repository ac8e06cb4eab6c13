/** `npm run cli -- user create`, run as the operator runs it: a separate process on the same database. */
import { staffAccountModel } from '../../src/modules/accounts/user.model';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { databaseUriOf, runCli as runOurCli, type CliRun } from '../helpers/cli';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.close();
});

/** Runs the CLI from the sources with only the given environment (no terminal on stdin). */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runOurCli(args, { env: { NODE_ENV: 'test', MONGODB_URI: databaseUriOf(db), ...env } });
}

describe('npm run cli -- user create', () => {
  it('when the password comes from CHURN_ADMIN_PASSWORD, then the admin is created with an argon2id hash', async () => {
    const result = await runCli(['user', 'create', '--email', 'Root@Example.test', '--name', 'Root Admin', '--role', 'admin'], {
      CHURN_ADMIN_PASSWORD: 'a long enough password',
    });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Created admin Root Admin <root@example.test>. They can sign in at /login.\n');
    const stored = await staffAccountModel(db.connection).findOne({ email: 'root@example.test' }).lean();
    expect(stored).toMatchObject({ name: 'Root Admin', role: 'admin', mustChangePassword: false });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('when the password is shorter than 12 characters, then it is refused and nothing is written', async () => {
    const result = await runCli(['user', 'create', '--email', 'weak@example.test', '--name', 'Weak', '--role', 'admin'], { CHURN_ADMIN_PASSWORD: 'short pass' });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Refused: the password must have at least 12 characters.\n');
    expect(await staffAccountModel(db.connection).countDocuments({ email: 'weak@example.test' })).toBe(0);
  });

  it('when no password is given and there is no terminal to ask on, then it says how to give one', async () => {
    const result = await runCli(['user', 'create', '--email', 'nopass@example.test', '--name', 'No Pass', '--role', 'success'], {});

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No password: set CHURN_ADMIN_PASSWORD');
    expect(await staffAccountModel(db.connection).countDocuments({ email: 'nopass@example.test' })).toBe(0);
  });

  it('when the role or e-mail is wrong, then each problem is named and nothing is written', async () => {
    const badRole = await runCli(['user', 'create', '--email', 'x@example.test', '--name', 'X', '--role', 'owner'], { CHURN_ADMIN_PASSWORD: 'a long enough password' });
    const badEmail = await runCli(['user', 'create', '--email', 'not-an-email', '--name', 'X', '--role', 'marketer'], { CHURN_ADMIN_PASSWORD: 'a long enough password' });

    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('Unknown role "owner"; expected one of admin, success, marketer.');
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toBe('email: Enter an e-mail address such as name@example.com.\n');
    expect(await staffAccountModel(db.connection).countDocuments({ name: 'X' })).toBe(0);
  });
});
