/**
 * `npm run db -- --port 27017 --dbpath ./data` (or `--memory`): the embedded database as its
 * own process, so a web and a worker process can share it and any MongoDB client can look in.
 */
import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      dbpath: { type: 'string', default: './data/db' },
      memory: { type: 'boolean', default: false },
      bind_ip: { type: 'string', default: '127.0.0.1' },
      'allow-non-loopback': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run db -- [--port 27017] [--dbpath ./data/db | --memory] [--bind_ip 127.0.0.1]\n');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
  const log = (level: string, message: string, details?: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...details })}\n`);
  const server = await startEmbeddedMongo({
    port,
    host: values.bind_ip,
    allowNonLoopback: values['allow-non-loopback'],
    memory: values.memory,
    dbPath: values.memory ? undefined : values.dbpath,
    log,
  });
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded database: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
