/**
 * One demo staff account per role, each with a random password that is printed once and
 * stored only as its argon2id hash (createUser), like any other account.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { createUser } from '../../modules/accounts/accounts.service';
import { staffRoles, type StaffRole } from '../../shared/auth/staff-user';

export interface DemoAccount {
  id: string;
  role: StaffRole;
  name: string;
  email: string;
  password: string;
}

const demoNames: Record<StaffRole, string> = { admin: 'Ada Admin', success: 'Sam Success', marketer: 'Mia Marketer' };

export async function createDemoAccounts(connection: Connection): Promise<DemoAccount[]> {
  const accounts: DemoAccount[] = [];
  for (const role of staffRoles) {
    // 18 random bytes: 24 characters, far above the 12-character minimum.
    const account = { role, name: demoNames[role], email: `${role}@demo.example.com`, password: randomBytes(18).toString('base64url') };
    const created = await createUser(connection, account);
    accounts.push({ id: created.id, ...account });
  }
  return accounts;
}
