/**
 * Runs the real server (or a fixture built on it) as a child process and reads its JSON log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';

export interface LogLine {
  level: number;
  msg: string;
  time: string;
  [key: string]: unknown;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Parsed stdout lines so far, in order. */
  log: LogLine[];
  stderr(): string;
  /** Resolves with the first log line whose message matches (or that the function accepts). */
  waitForLog(message: string | RegExp | ((line: LogLine) => boolean), timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

const registerTs = path.join(projectRoot, 'test/helpers/register-ts.js');

/** Starts `entry` (a .ts file relative to the project root) with only the given environment. */
export function spawnServer(entry: string, env: Record<string, string>, args: string[] = []): ServerProcess {
  const passThrough = process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {};
  const child = spawn(process.execPath, ['--enable-source-maps', '-r', registerTs, path.join(projectRoot, entry), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...passThrough, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const log: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        log.push(JSON.parse(line) as LogLine);
      } catch {
        log.push({ level: 0, msg: line, time: '' });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal, atMs: Date.now() });
      for (const wake of waiters) wake();
    });
  });

  function waitForLog(message: string | RegExp | ((line: LogLine) => boolean), timeoutMs = 20_000): Promise<LogLine> {
    const matches = (line: LogLine) =>
      typeof message === 'string' ? line.msg === message : typeof message === 'function' ? message(line) : message.test(line.msg);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no log line ${message} within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      const check = () => {
        const found = log.find(matches);
        if (found) finish(undefined, found);
        else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`process exited before logging ${message}; stderr: ${stderr}`));
      };
      function finish(error?: Error, line?: LogLine) {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve(line as LogLine);
      }
      waiters.add(check);
      check();
    });
  }

  return { child, log, stderr: () => stderr, waitForLog, exited };
}
