import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, environmentWithDotEnv, loadConfig } from '../../src/config';

const cwd = '/srv/crm';

function load(env: Record<string, string>, argv: string[] = []) {
  return loadConfig(env, argv, cwd);
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, then safe defaults apply', () => {
    const config = load({});

    expect(config.env).toBe('development');
    expect(config.role).toBe('all');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, baseUrl: 'http://localhost:3000' });
    expect(config.db).toEqual({ uri: undefined, name: 'churn', dataDir: path.join(cwd, 'data'), embeddedPort: 0 });
    expect(config.log.level).toBe('info');
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.session.secretWasGenerated).toBe(true);
    expect(config.session.secret).toHaveLength(64);
  });

  it('when values are given, then they are parsed into typed fields', () => {
    const config = load({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '8080',
      BASE_URL: 'https://crm.example.com/',
      MONGODB_URI: 'mongodb://db.internal:27017/crm',
      DATA_DIR: '/var/lib/crm',
      SESSION_SECRET: 'x'.repeat(40),
      SHUTDOWN_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'warn',
    });

    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080, baseUrl: 'https://crm.example.com' });
    expect(config.db.uri).toBe('mongodb://db.internal:27017/crm');
    expect(config.db.dataDir).toBe('/var/lib/crm');
    expect(config.session).toEqual({ secret: 'x'.repeat(40), secretWasGenerated: false });
    expect(config.shutdownTimeoutMs).toBe(2500);
    expect(config.log.level).toBe('warn');
  });

  it('when PORT is not a number, then one line names PORT and the bad value', () => {
    expect(messageOf(() => load({ PORT: 'abc' }))).toBe('Invalid configuration: PORT: expected a number from 0 to 65535, got "abc"');
  });

  it('when PORT is out of range, then the range is named', () => {
    expect(messageOf(() => load({ PORT: '70000' }))).toBe('Invalid configuration: PORT: expected a number from 0 to 65535, got "70000"');
  });

  it('when several variables are bad, then each is named on the same single line', () => {
    const message = messageOf(() => load({ PORT: '-1', LOG_LEVEL: 'loud', PROCESS_ROLE: 'both' }));

    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('PORT: expected a number from 0 to 65535, got "-1"');
    expect(message).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(message).toContain('PROCESS_ROLE: expected one of all, web, worker, got "both"');
  });

  it('when a secret is invalid, then its value is not echoed', () => {
    const message = messageOf(() => load({ SESSION_SECRET: 'hunter2', MONGODB_URI: 'postgres://user:pw@host' }));

    expect(message).toContain('SESSION_SECRET: expected at least 32 characters (value hidden)');
    expect(message).toContain('MONGODB_URI: expected a connection string starting with mongodb:// or mongodb+srv:// (value hidden)');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('pw@host');
  });

  it('when NODE_ENV is production without SESSION_SECRET, then startup is refused', () => {
    expect(messageOf(() => load({ NODE_ENV: 'production' }))).toMatch(/^Invalid configuration: SESSION_SECRET: required when NODE_ENV=production/);
  });

  it('when the --role flag is given, then it wins over PROCESS_ROLE', () => {
    expect(load({ PROCESS_ROLE: 'web' }, ['--role', 'worker']).role).toBe('worker');
    expect(load({}, ['--role=web']).role).toBe('web');
    expect(load({ PROCESS_ROLE: 'worker' }).role).toBe('worker');
  });

  it('when the --role flag is wrong, then the message names the flag', () => {
    expect(messageOf(() => load({}, ['--role', 'boss']))).toBe('Invalid configuration: --role: expected one of all, web, worker, got "boss"');
  });

  it('when a variable is set but empty, then its default applies', () => {
    expect(load({ PORT: '', DATA_DIR: '  ' }).http.port).toBe(3000);
  });

  it('when NODE_ENV is test, then logging is silent unless LOG_LEVEL says otherwise', () => {
    expect(load({ NODE_ENV: 'test' }).log.level).toBe('silent');
    expect(load({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).log.level).toBe('debug');
  });

  it('when the config is loaded, then it cannot be changed', () => {
    const config = load({});

    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('environmentWithDotEnv', () => {
  it('when a .env file exists, then its values are used unless the real environment sets them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'churn-env-'));
    await writeFile(path.join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n# a comment\nDB_NAME=\n');

    const env = environmentWithDotEnv(dir, { LOG_LEVEL: 'warn' });
    await rm(dir, { recursive: true });

    const config = loadConfig(env, [], dir);
    expect(config.http.port).toBe(4000);
    expect(config.log.level).toBe('warn');
    expect(config.db.name).toBe('churn');
  });

  it('when there is no .env file, then the environment is used as it is', () => {
    const env = { PORT: '5000' };

    expect(environmentWithDotEnv('/nonexistent-folder', env)).toBe(env);
  });
});
