/**
 * `npm run cli -- user create --email E --name N --role admin|success|marketer`: makes a staff
 * account, e.g. the first admin of a new installation. The password comes from the environment
 * variable CHURN_ADMIN_PASSWORD, or is asked for (twice, not shown) when run in a terminal; it
 * is never a command-line argument, which other users of the machine could read.
 */
import { parseArgs } from 'node:util';
import { createUser } from '../../modules/accounts/accounts.service';
import { passwordPolicy } from '../../shared/auth/passwords';
import { staffRoles, type StaffRole } from '../../shared/auth/staff-user';
import { ValidationError } from '../../shared/errors';
import { translate } from '../../shared/i18n/translator';
import { CliDatabaseError, withDatabase } from '../database';
import { askHidden } from '../prompt';
import type { CliCommand } from '../types';

export const passwordVariable = 'CHURN_ADMIN_PASSWORD';

const usage = `usage: ${passwordVariable}=… npm run cli -- user create --email <e-mail> --name <name> --role ${staffRoles.join('|')}\n`;

export const userCreateCommand: CliCommand = {
  description: 'Create a staff user (the first admin, for instance)',

  async run(args) {
    const options = readOptions(args);
    if (typeof options === 'string') {
      process.stderr.write(`${options}\n${usage}`);
      return 2;
    }
    const password = await readPassword();
    if (password.length < passwordPolicy.minLength) {
      process.stderr.write(`Refused: the password must have at least ${passwordPolicy.minLength} characters.\n`);
      return 2;
    }

    try {
      const user = await withDatabase(({ connection }) => createUser(connection, { ...options, password }));
      process.stdout.write(`Created ${user.role} ${user.name} <${user.email}>. They can sign in at /login.\n`);
      return 0;
    } catch (error) {
      if (error instanceof ValidationError) {
        for (const problem of error.details) process.stderr.write(`${problem.field || 'input'}: ${translate('en', problem.reason)}\n`);
        return 1;
      }
      if (error instanceof CliDatabaseError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

function readOptions(args: string[]): { email: string; name: string; role: StaffRole } | string {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } }));
  } catch (error) {
    return (error as Error).message;
  }
  const missing = (['email', 'name', 'role'] as const).filter((option) => !values[option]);
  if (missing.length > 0) return `Missing ${missing.map((option) => `--${option}`).join(', ')}.`;
  if (!(staffRoles as readonly string[]).includes(values.role as string)) return `Unknown role "${values.role}"; expected one of ${staffRoles.join(', ')}.`;
  return { email: values.email as string, name: values.name as string, role: values.role as StaffRole };
}

/** From the environment, else asked twice on a terminal; empty when neither is possible. */
async function readPassword(): Promise<string> {
  const fromEnvironment = process.env[passwordVariable];
  if (fromEnvironment) return fromEnvironment;
  if (!process.stdin.isTTY) {
    process.stderr.write(`No password: set ${passwordVariable}, or run the command in a terminal to be asked for one.\n`);
    return '';
  }
  const password = await askHidden(`Password for the new user (at least ${passwordPolicy.minLength} characters): `);
  const again = await askHidden('Repeat the password: ');
  if (password !== again) {
    process.stderr.write('The two passwords are not the same.\n');
    return '';
  }
  return password;
}
