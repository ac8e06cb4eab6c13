/**
 * `npm run cli -- <command> [subcommand] [--options]`: the operator's command line.
 * Each command lives in its own file under ./commands and is listed once here.
 */
import type { CliCommand } from './types';

/** Every command, by the words that select it (e.g. "user create", "import customers"). */
const commands: Record<string, () => Promise<CliCommand>> = {
  backup: async () => (require('./commands/backup') as typeof import('./commands/backup')).backupCommand,
  classify: async () => (require('./commands/classify') as typeof import('./commands/classify')).classifyCommand,
  demo: async () => (require('./commands/demo') as typeof import('./commands/demo')).demoCommand,
  'import customers': async () => (require('./commands/import-customers') as typeof import('./commands/import-customers')).importCustomersCommand,
  metrics: async () => (require('./commands/metrics') as typeof import('./commands/metrics')).metricsCommand,
  restore: async () => (require('./commands/restore') as typeof import('./commands/restore')).restoreCommand,
  'user create': async () => (require('./commands/user-create') as typeof import('./commands/user-create')).userCreateCommand,
  'value settings': async () => (require('./commands/value-settings') as typeof import('./commands/value-settings')).valueSettingsCommand,
};

export async function runCli(argv: string[]): Promise<number> {
  const [first, second] = argv;
  const key = second !== undefined && commands[`${first} ${second}`] ? `${first} ${second}` : first;
  const load = key ? commands[key] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run cli -- <command>\ncommands:\n${Object.keys(commands).map((name) => `  ${name}`).join('\n')}\n`);
    return key ? 2 : 0;
  }
  const command = await load();
  return command.run(argv.slice(key.split(' ').length));
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
