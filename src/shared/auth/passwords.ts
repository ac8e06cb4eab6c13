/**
 * Password hashing with argon2id, using OWASP's recommended minimum (19 MiB, 2 passes, 1 lane):
 * about 50 ms per hash here, slow for an attacker with a stolen table, quick enough for sign-in.
 * The parameters are stored in each hash, so raising them later still verifies old hashes.
 */
import argon2 from 'argon2';

export const passwordPolicy = { minLength: 12, maxLength: 200 } as const;

const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

/** True when `password` matches `hash`; false for a wrong password or a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * Spends the time of one verification without an account to check, so that an unknown e-mail
 * address answers as slowly as a wrong password and does not reveal which addresses exist.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy password that matches no account');
  await verifyPassword(await decoyHash, password);
  return false;
}

let decoyHash: Promise<string> | undefined;
