/**
 * Whether this process can do its work: the database is connected and answers a ping, and, when
 * this process runs jobs, the scheduler is processing them. Load balancers read this via /readyz.
 */
import type { Connection } from 'mongoose';

export type CheckResult = 'ok' | string;

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; scheduler: CheckResult };
}

/** The part of the job scheduler that readiness looks at. */
export interface JobWorkerStatus {
  isRunning(): boolean;
}

export interface ReadinessDependencies {
  connection: Connection;
  /** Present only in processes that run jobs (roles `all` and `worker`). */
  jobWorker?: JobWorkerStatus;
}

const pingTimeoutMs = 2000;

export async function checkReadiness({ connection, jobWorker }: ReadinessDependencies): Promise<Readiness> {
  const checks = {
    database: await checkDatabase(connection),
    scheduler: jobWorker === undefined ? 'ok' : jobWorker.isRunning() ? 'ok' : 'job scheduler is not running',
  };
  return { ready: checks.database === 'ok' && checks.scheduler === 'ok', checks };
}

async function checkDatabase(connection: Connection): Promise<CheckResult> {
  // 1 = connected; anything else (connecting, disconnected, closing) is not ready.
  if (connection.readyState !== 1 || connection.db === undefined) return 'not connected';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`ping took longer than ${pingTimeoutMs} ms`), pingTimeoutMs);
  });
  const ping = connection.db.command({ ping: 1 }).then(
    () => 'ok',
    (error: Error) => `ping failed: ${error.message}`,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
