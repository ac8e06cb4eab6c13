/**
 * A tiny host CRM that mounts the churn plugin under /churn: its own users and sign-in page
 * (three hard-coded users, one per role), its own session, and our routers behind its login.
 * In a real host, the users, passwords and session store are the host's own.
 *
 * In your project, import from the package instead: `import { createChurnPlugin } from 'churn-winback-crm'`.
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler } from 'express';
import session from 'express-session';
import type { Connection } from 'mongoose';
import { createChurnPlugin, type ChurnPlugin, type HostStaffUser, type StaffRole } from '../../src/index';

/** The host's own users and what they are in the host (not our roles: those come from `authorize`). */
export interface HostUser extends HostStaffUser {
  username: string;
  password: string;
  department: 'management' | 'support' | 'marketing';
}

export interface HostCrmOptions {
  connection: Connection;
  users: HostUser[];
  sessionSecret: string;
  /** Settings for the plugin: BASE_URL of the public mount (…/churn), SMTP_URL, MAIL_FROM … */
  churnConfig: Record<string, string | undefined>;
}

export interface HostCrm {
  app: Express;
  churn: ChurnPlugin;
}

declare module 'express-session' {
  interface SessionData {
    hostUserId?: string;
  }
}

/** The host maps its departments to our roles. */
const roleOfDepartment: Record<HostUser['department'], StaffRole> = { management: 'admin', support: 'success', marketing: 'marketer' };

export async function createHostCrm({ connection, users, sessionSecret, churnConfig }: HostCrmOptions): Promise<HostCrm> {
  const app = express();
  app.disable('x-powered-by');
  const userById = new Map(users.map((user) => [user.id, user]));
  const signedInUser = (req: Request) => (req.session.hostUserId ? userById.get(req.session.hostUserId) : undefined);

  const churn = await createChurnPlugin({
    connection,
    authenticate: (req) => {
      const user = signedInUser(req);
      return user && { id: user.id, email: user.email, name: user.name };
    },
    authorize: (user) => {
      const hostUser = userById.get(user.id);
      return hostUser ? roleOfDepartment[hostUser.department] : null;
    },
    signInUrl: (req) => `/login?next=${encodeURIComponent(req.originalUrl)}`,
    config: churnConfig,
  });

  // Customers' survey pages, unsubscribe, tracking and the API: no host login.
  app.use('/churn', churn.publicRouter);

  app.use(session({ name: 'host.sid', secret: sessionSecret, resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'strict' } }));
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));

  app.get('/', (req, res) => {
    const user = signedInUser(req);
    res.type('html').send(page('Host CRM', user ? `<p>Signed in as ${escapeHtml(user.name)}.</p><p><a href="/churn/">Churn &amp; win-back</a></p><form method="post" action="/logout"><button>Sign out</button></form>` : '<p><a href="/login">Sign in</a></p>'));
  });
  app.get('/login', (req, res) => {
    res.type('html').send(page('Sign in to the host CRM', loginForm(String(req.query.next ?? '/'))));
  });
  app.post('/login', (req, res, next) => {
    const { username, password, next: after } = req.body as Record<string, string | undefined>;
    const user = users.find((candidate) => candidate.username === username);
    if (!user || !sameText(user.password, password ?? '')) {
      res.status(401).type('html').send(page('Sign in to the host CRM', `<p role="alert">Wrong user name or password.</p>${loginForm(after ?? '/')}`));
      return;
    }
    // A new session id at sign-in (no session fixation).
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.hostUserId = user.id;
      res.redirect(303, after && after.startsWith('/') && !after.startsWith('//') ? after : '/');
    });
  });
  app.post('/logout', (req, res, next) => req.session.destroy((error) => (error ? next(error) : res.redirect(303, '/'))));

  // Our staff pages, behind the host's login.
  app.use('/churn', requireHostLogin(signedInUser), churn.router);
  return { app, churn };
}

function requireHostLogin(signedInUser: (req: Request) => HostUser | undefined): RequestHandler {
  return (req, res, next) => {
    if (signedInUser(req)) return next();
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  };
}

function loginForm(next: string): string {
  return `<form method="post" action="/login">
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label>User name <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
