/**
 * Runs our command line (`src/cli/index.ts`, TypeScript through register-ts.js) as a child
 * process with only the environment given, and collects what it printed and its exit code.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], { env, cwd = projectRoot }: { env: Record<string, string>; cwd?: string }): Promise<CliRun> {
  const child = spawn(process.execPath, ['-r', path.join(projectRoot, 'test/helpers/register-ts.js'), path.join(projectRoot, 'src/cli/index.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The test database's URI with its name, for MONGODB_URI. */
export function databaseUriOf(db: { uri: string; dbName: string }): string {
  const url = new URL(db.uri);
  url.pathname = `/${db.dbName}`;
  return url.toString();
}
