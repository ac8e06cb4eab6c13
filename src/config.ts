/**
 * The application's configuration: the one place that reads the environment.
 *
 * `loadConfig()` parses `process.env` (and the `--role` flag) with one zod schema and returns a
 * typed, deep-frozen object; everything else in the app receives that object as a dependency.
 * Bad input throws a `ConfigError` whose message is one line naming every bad variable, e.g.
 * `Invalid configuration: PORT: expected a number from 1 to 65535, got "abc"`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

export type Environment = 'development' | 'test' | 'production';
export type ProcessRole = 'all' | 'web' | 'worker';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly env: Environment;
  /** `all` = web + worker in one process, `web` = HTTP only, `worker` = jobs only. */
  readonly role: ProcessRole;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Public address of the app, used in links sent to customers. */
    readonly baseUrl: string;
  };
  readonly log: { readonly level: LogLevel };
  readonly db: {
    /** A real MongoDB; when absent the embedded server is started. */
    readonly uri: string | undefined;
    readonly name: string;
    /** Absolute folder for the embedded server's data. */
    readonly dataDir: string;
    /** 0 picks a free port. */
    readonly embeddedPort: number;
  };
  readonly session: {
    readonly secret: string;
    /** True when no SESSION_SECRET was given and a random one was made (sessions end on restart). */
    readonly secretWasGenerated: boolean;
  };
  readonly jobs: {
    /** How often a worker polls for due jobs. */
    readonly processEveryMs: number;
    /** A campaign message claimed longer ago than this belonged to a worker that died (must exceed SMTP timeouts). */
    readonly campaignClaimLeaseMs: number;
  };
  readonly mail: {
    /** SMTP server; when absent, messages go to the stored outbox (readable by admins). */
    readonly smtpUrl: string | undefined;
    readonly from: string;
  };
  readonly shutdownTimeoutMs: number;
  /** Express's `trust proxy`: false, true, a number of proxy hops, or proxy addresses. */
  readonly trustProxy: boolean | number | string;
  readonly accounts: {
    /** A staff session ends after this long without a request. */
    readonly sessionTtlHours: number;
    /** Cookies are marked Secure: BASE_URL is https, or a TLS-terminating proxy is trusted. */
    readonly secureCookies: boolean;
    /** Failed sign-ins in a row after which an account is locked for `loginLockoutMinutes`. */
    readonly loginMaxFailures: number;
    readonly loginLockoutMinutes: number;
    /** Failed sign-in attempts one client address may make per 15 minutes. */
    readonly loginRateLimit: number;
  };
}

/** Thrown for bad configuration; `message` is the single line to print before exiting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every variable the app reads, with a description; `.env.example` and the README mirror it. */
export const configKeys = [
  'NODE_ENV',
  'PROCESS_ROLE',
  'HOST',
  'PORT',
  'BASE_URL',
  'LOG_LEVEL',
  'MONGODB_URI',
  'DB_NAME',
  'DATA_DIR',
  'EMBEDDED_DB_PORT',
  'SESSION_SECRET',
  'JOBS_PROCESS_EVERY_MS',
  'CAMPAIGN_CLAIM_LEASE_MS',
  'SHUTDOWN_TIMEOUT_MS',
  'SMTP_URL',
  'MAIL_FROM',
  'TRUST_PROXY',
  'SESSION_TTL_HOURS',
  'LOGIN_MAX_FAILURES',
  'LOGIN_LOCKOUT_MINUTES',
  'LOGIN_RATE_LIMIT',
] as const;

/** Values that must never be echoed back in an error message. */
const secretKeys = new Set(['MONGODB_URI', 'SESSION_SECRET', 'SMTP_URL']);

/**
 * The process environment over the values in `./.env`, if that file exists: variables set in
 * the real environment win, so a process manager can override the file.
 */
export function environmentWithDotEnv(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** Reads the configuration from the environment and the command line. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv.slice(2),
  cwd: string = process.cwd(),
): Config {
  const raw = withoutEmptyValues(env);
  const roleFlag = readRoleFlag(argv);
  const source = roleFlag === undefined ? raw : { ...raw, PROCESS_ROLE: roleFlag };

  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(describeIssues(parsed.error.issues, source, roleFlag !== undefined));
  }
  const vars = parsed.data;

  if (vars.NODE_ENV === 'production' && vars.SESSION_SECRET === undefined) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET: required when NODE_ENV=production (at least 32 characters)');
  }

  return deepFreeze({
    env: vars.NODE_ENV,
    role: vars.PROCESS_ROLE,
    http: {
      host: vars.HOST,
      port: vars.PORT,
      baseUrl: (vars.BASE_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    },
    log: { level: vars.LOG_LEVEL ?? (vars.NODE_ENV === 'test' ? 'silent' : 'info') },
    db: {
      uri: vars.MONGODB_URI,
      name: vars.DB_NAME,
      dataDir: path.resolve(cwd, vars.DATA_DIR),
      embeddedPort: vars.EMBEDDED_DB_PORT,
    },
    session: {
      secret: vars.SESSION_SECRET ?? randomBytes(32).toString('hex'),
      secretWasGenerated: vars.SESSION_SECRET === undefined,
    },
    jobs: { processEveryMs: vars.JOBS_PROCESS_EVERY_MS, campaignClaimLeaseMs: vars.CAMPAIGN_CLAIM_LEASE_MS },
    mail: { smtpUrl: vars.SMTP_URL, from: vars.MAIL_FROM },
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    trustProxy: vars.TRUST_PROXY,
    accounts: {
      sessionTtlHours: vars.SESSION_TTL_HOURS,
      secureCookies: (vars.BASE_URL ?? '').startsWith('https:') || (vars.TRUST_PROXY !== false && vars.TRUST_PROXY !== 0),
      loginMaxFailures: vars.LOGIN_MAX_FAILURES,
      loginLockoutMinutes: vars.LOGIN_LOCKOUT_MINUTES,
      loginRateLimit: vars.LOGIN_RATE_LIMIT,
    },
  });
}

// ---------------------------------------------------------------------------------------------

/** An integer written in decimal digits, within a range; the message names the range. */
function integerBetween(min: number, max: number) {
  const expected = `expected a number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, expected)
    .transform(Number)
    .refine((n) => n >= min && n <= max, expected);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` });
}

const envSchema = z.object({
  NODE_ENV: oneOf(['development', 'test', 'production']).default('development'),
  PROCESS_ROLE: oneOf(['all', 'web', 'worker']).default('all'),
  // Loopback by default: a self-hosted tool should not appear on the network until asked to.
  HOST: z.string().min(1).default('127.0.0.1'),
  // 0 lets the system pick a free port (tests); the chosen address is logged at start.
  PORT: integerBetween(0, 65535).default(3000),
  BASE_URL: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://crm.example.com' }).optional(),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'expected a connection string starting with mongodb:// or mongodb+srv://')
    .optional(),
  DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'expected letters, digits, _ or - (at most 63)')
    .default('churn'),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_DB_PORT: integerBetween(0, 65535).default(0),
  SESSION_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  JOBS_PROCESS_EVERY_MS: integerBetween(50, 3_600_000).default(5000),
  CAMPAIGN_CLAIM_LEASE_MS: integerBetween(1000, 3_600_000).default(300_000),
  SHUTDOWN_TIMEOUT_MS: integerBetween(100, 600_000).default(10_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'expected smtp://user:password@host:587 or smtps://…')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Churn & Win-back <no-reply@localhost>'),
  TRUST_PROXY: trustProxySetting(),
  SESSION_TTL_HOURS: integerBetween(1, 720).default(12),
  LOGIN_MAX_FAILURES: integerBetween(1, 100).default(5),
  LOGIN_LOCKOUT_MINUTES: integerBetween(1, 1440).default(15),
  LOGIN_RATE_LIMIT: integerBetween(1, 10_000).default(20),
});

/**
 * `false` (default), `true`, a number of proxy hops, or a comma-separated list of proxy
 * addresses, CIDR ranges or `loopback`/`linklocal`/`uniquelocal`, as Express understands them.
 */
function trustProxySetting() {
  const proxyAddress = /^(loopback|linklocal|uniquelocal|[0-9A-Fa-f:.]+(\/\d{1,3})?)$/;
  const expected = 'expected true, false, a number of proxy hops, or proxy addresses such as "loopback, 10.0.0.0/8"';
  return z
    .string()
    .refine((value) => /^(true|false|\d{1,2})$/.test(value) || value.split(',').every((part) => proxyAddress.test(part.trim())), expected)
    .transform((value): boolean | number | string => (value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value))
    .default(false);
}

/** Treats `KEY=` (common in .env files) as "not set" so defaults apply. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of configKeys) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') result[key] = value.trim();
  }
  return result;
}

/** `--role web` or `--role=web`; the flag wins over PROCESS_ROLE. */
function readRoleFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--role') return argv[i + 1] ?? '';
    if (arg.startsWith('--role=')) return arg.slice('--role='.length);
  }
  return undefined;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], source: Record<string, string>, roleFromFlag: boolean): string {
  const parts = issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const name = key === 'PROCESS_ROLE' && roleFromFlag ? '--role' : key;
    const value = source[key];
    const got = value === undefined ? '' : secretKeys.has(key) ? ' (value hidden)' : `, got ${JSON.stringify(value)}`;
    return `${name}: ${issue.message}${got}`;
  });
  return `Invalid configuration: ${parts.join('; ')}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
