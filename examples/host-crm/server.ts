/**
 * Runs the example host CRM: `npm run example:host` (http://127.0.0.1:4000, the plugin at /churn).
 *
 * Uses MONGODB_URI when set, else starts the embedded database in memory. Prints the three
 * users (one per role) with passwords made up for this run. Mail goes to the plugin's outbox
 * unless SMTP_URL is set.
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { configureMongoose, startEmbeddedMongo } from '../../src/index';
import { createHostCrm, type HostUser } from './host-app';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 4000);
  const baseUrl = process.env.BASE_URL ?? `http://127.0.0.1:${port}`;
  configureMongoose();
  const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedMongo({ memory: true });
  const connection = await mongoose.createConnection(process.env.MONGODB_URI ?? `${embedded!.uri}host_crm`).asPromise();

  const password = () => randomBytes(9).toString('base64url');
  const users: HostUser[] = [
    { id: 'u-1', username: 'maria', name: 'Maria (management)', email: 'maria@host.example', department: 'management', password: password() },
    { id: 'u-2', username: 'sam', name: 'Sam (support)', email: 'sam@host.example', department: 'support', password: password() },
    { id: 'u-3', username: 'kim', name: 'Kim (marketing)', email: 'kim@host.example', department: 'marketing', password: password() },
  ];
  const { app, churn } = await createHostCrm({
    connection,
    users,
    sessionSecret: process.env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    churnConfig: { BASE_URL: `${baseUrl}/churn`, SMTP_URL: process.env.SMTP_URL, MAIL_FROM: process.env.MAIL_FROM, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  await churn.startJobs();
  const server = app.listen(port, '127.0.0.1', () => {
    process.stdout.write(`Host CRM on ${baseUrl} — churn plugin at ${baseUrl}/churn/\n`);
    for (const user of users) process.stdout.write(`  ${user.username} / ${user.password}  (${user.department})\n`);
  });

  const stop = async () => {
    server.close();
    await churn.close();
    await connection.close();
    await embedded?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
