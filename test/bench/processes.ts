/**
 * Child processes the benchmarks measure: the embedded database as `npm run db` runs it, and
 * the CPU time a process has used so far (steadier than wall time on a shared machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';

/** The kernel's USER_HZ, 100 on Linux builds: the unit of CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface DatabaseProcess {
  uri: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** The embedded database as its own process (built with the bench); `nodeArgs` e.g. `--cpu-prof`. */
export async function startDatabaseProcess(dbPath: string, nodeArgs: string[] = []): Promise<DatabaseProcess> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, 'dist/src/shared/db/embedded/cli.js'), '--port', '0', '--dbpath', dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const uri = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(`mongodb://127.0.0.1:${match[1]}/`);
    });
    child.once('exit', (code) => reject(new Error(`database process exited (${code})`)));
  });
  return { uri, pid: child.pid, stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** User + system CPU time of a process so far, from /proc (Linux); NaN where it cannot be read. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields after the command name, which is in parentheses and may contain spaces; utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
