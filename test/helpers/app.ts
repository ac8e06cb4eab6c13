/**
 * Builds the app for a test through the same factory the server uses, with test configuration.
 */
import type { Connection } from 'mongoose';
import { createApp, type AppDependencies } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/shared/logging';
import { listenOnFreePort, type ListeningApp } from './http';

export interface TestAppOptions {
  connection: Connection;
  /** Extra environment variables, e.g. `{ NODE_ENV: 'development' }`. */
  env?: Record<string, string>;
  scheduler?: AppDependencies['scheduler'];
  runsJobs?: boolean;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', ...env }, []);
}

/** Builds the app and serves it on a free port. */
export async function startTestApp(options: TestAppOptions): Promise<ListeningApp> {
  const config = testConfig(options.env);
  const app = createApp({
    config,
    logger: createLogger({ level: config.log.level }),
    connection: options.connection,
    scheduler: options.scheduler,
    runsJobs: options.runsJobs,
  });
  return listenOnFreePort(app);
}
