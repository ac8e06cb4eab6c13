/**
 * The job dashboard (agendash) in a real server process: mounted in every environment, behind
 * the admin role. It runs here, not in jest's own process, because jest's transform cannot load
 * agendash.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { anonymousAgent } from '../helpers/auth';
import { spawnServer } from '../helpers/server-process';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'churn-e2e-dashboard-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

it('when the server runs in production, then the job dashboard asks for sign-in and opens for an admin', async () => {
  const server = spawnServer('src/server.ts', {
    NODE_ENV: 'production',
    SESSION_SECRET: 'e2e-session-secret-with-more-than-32-characters',
    LOG_LEVEL: 'info',
    PORT: '0',
    DATA_DIR: dataDir,
    DB_NAME: `e2e_${path.basename(dataDir).replace(/\W/g, '_')}`,
  });
  try {
    const url = String((await server.waitForLog(/^listening on /)).url);

    const signedOut = await fetch(`${url}/admin/jobs/api/stats`, { redirect: 'manual', headers: { accept: 'text/html' } });
    const signedOutJson = await fetch(`${url}/admin/jobs/api/stats`, { headers: { accept: 'application/json' } });
    const admin = anonymousAgent(url);
    const setup = await admin.postForm('/setup', { name: 'Ops Admin', email: 'ops@example.test', password: 'operations password', passwordConfirmation: 'operations password' });
    const stats = await admin.get('/admin/jobs/api/stats', { headers: { accept: 'application/json' } });
    const page = await admin.get('/admin/jobs/');

    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/login?returnTo=%2Fadmin%2Fjobs%2Fapi%2Fstats');
    expect(signedOutJson.status).toBe(401);
    expect(setup.status).toBe(303);
    expect(stats.status).toBe(200);
    expect(stats.headers.get('content-type')).toMatch(/json/);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/agendash/i);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
});
