/**
 * A real browser for end-to-end tests: Debian's Chromium driven by playwright-core, and PNG
 * screenshots under test-output/screenshots/.
 *
 * A fresh machine has no Chromium: `ensureChromium()` installs it from the Debian packages
 * (with a CJK font, so Chinese pages render as text, not boxes) when it is missing and we are
 * root. Test files call it in `beforeAll`; a lock file keeps two jest workers from running apt
 * at the same time. When it cannot be installed the test fails with the reason; it never skips.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { sessionCookieName } from '../../src/shared/auth';
import { projectRoot } from '../../src/shared/paths';

export const chromiumPath = '/usr/bin/chromium';
export const screenshotsDir = path.join(projectRoot, 'test-output', 'screenshots');
/** What a browser test needs from Debian: the browser, and a font with Chinese glyphs. */
export const browserPackages = ['chromium', 'fonts-wqy-microhei'];
/** Long enough for `apt-get update && apt-get install` on a slow mirror. */
export const chromiumInstallTimeoutMs = 10 * 60_000;

const lockPath = path.join(tmpdir(), 'churn-winback-chromium-install.lock');

/** Makes sure /usr/bin/chromium exists, installing it with apt when it does not. */
export async function ensureChromium(): Promise<string> {
  if (existsSync(chromiumPath)) return chromiumPath;
  if (process.getuid?.() !== 0) {
    throw new Error(`${chromiumPath} is missing and this process is not root, so it cannot install it. Run: apt-get update && apt-get install -y ${browserPackages.join(' ')}`);
  }
  await withInstallLock(async () => {
    // Another test file may have installed it while this one waited for the lock.
    if (existsSync(chromiumPath)) return;
    await run('apt-get', ['update']);
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...browserPackages]);
  });
  if (!existsSync(chromiumPath)) throw new Error(`apt-get finished but ${chromiumPath} is still missing`);
  return chromiumPath;
}

/** Launches headless Chromium with a throw-away profile (playwright makes a fresh user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page PNG as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Runs `work` holding a machine-wide lock file; a lock left by a dead process is taken over. */
async function withInstallLock(work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + chromiumInstallTimeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await lockHolderIsGone()) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`gave up waiting for another Chromium install (lock ${lockPath})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function lockHolderIsGone(): Promise<boolean> {
  const pid = Number(await readFile(lockPath, 'utf8').catch(() => ''));
  // An empty file is a lock being written right now: wait for it.
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Runs a command non-interactively; rejects with the end of its output when it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), chromiumInstallTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot install Chromium: ${command} could not start (${error.message})`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      reject(new Error(`cannot install Chromium: \`${command} ${args.join(' ')}\` ended with ${signal ?? `exit code ${code}`}:\n${output}`));
    });
  });
}

/**
 * A browser context carrying the session of a staff member signed in through the sign-in form
 * (by the test agent of test/helpers/auth.ts), so a page opens signed in.
 */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  agent: { cookie(): string },
  options: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<BrowserContext> {
  const session = agent
    .cookie()
    .split('; ')
    .find((pair) => pair.startsWith(`${sessionCookieName}=`));
  if (!session) throw new Error('no session cookie after sign-in');
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, locale: options.locale ?? 'en-GB' });
  await context.addCookies([{ name: sessionCookieName, value: session.slice(sessionCookieName.length + 1), url: baseUrl }]);
  return context;
}
