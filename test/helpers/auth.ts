/**
 * Signing in through HTTP in tests, the way a browser does: a small agent that keeps the
 * session cookie, reads the CSRF token from a page, and sends forms.
 *
 *   const staff = await createStaff(db.connection, 'success');
 *   const agent = await signIn(app.url, staff);
 *   const response = await agent.postForm('/admin/users', { name: 'Ada', … });
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { createUser } from '../../src/modules/accounts/accounts.service';
import type { StaffRole } from '../../src/shared/auth';

/** The password every `createStaff` user gets. */
export const staffPassword = 'correct horse battery staple';

export interface TestStaff {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

export interface Agent {
  /** The Cookie header this agent sends (session and language cookies). */
  cookie(): string;
  /** A request with the agent's cookies; redirects are not followed, so they can be checked. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  get(path: string, init?: RequestInit): Promise<Response>;
  /** Posts an HTML form with the session's CSRF token added (unless `csrf: false`). */
  postForm(path: string, fields: Record<string, string | string[]>, options?: { csrf?: boolean; headers?: Record<string, string> }): Promise<Response>;
  /** The session's CSRF token, read from a page's hidden field. */
  csrfToken(): Promise<string>;
}

/** A staff user with a known password (`staffPassword`) and a unique e-mail address. */
export async function createStaff(connection: Connection, role: StaffRole, overrides: { name?: string; email?: string } = {}): Promise<TestStaff> {
  const email = overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const name = overrides.name ?? `Test ${role}`;
  const user = await createUser(connection, { email, name, role, password: staffPassword });
  return { id: user.id, email: user.email, name: user.name, role, password: staffPassword };
}

/** Signs in through the sign-in form; throws when the app does not accept the credentials. */
export async function signIn(baseUrl: string, credentials: { email: string; password: string }): Promise<Agent> {
  const agent = anonymousAgent(baseUrl);
  const response = await agent.postForm('/login', { email: credentials.email, password: credentials.password });
  if (response.status !== 303) throw new Error(`sign-in as ${credentials.email} failed: HTTP ${response.status}`);
  return agent;
}

/** An agent with no session yet (it gets one from the first page with a form). */
export function anonymousAgent(baseUrl: string): Agent {
  const cookies = new Map<string, string>();
  let token: { forCookie: string; value: string } | undefined;

  const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', cookie());
    const response = await fetch(`${baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) remember(line);
    return response;
  }

  function remember(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const expired = attributes.some((attribute) => /^\s*expires=/i.test(attribute) && new Date(attribute.split('=')[1]).getTime() < Date.now());
    if (value === '' || expired) cookies.delete(name);
    else cookies.set(name, value);
  }

  async function csrfToken(): Promise<string> {
    if (token && token.forCookie === cookie()) return token.value;
    // Signed-in staff always have /account; before sign-in, the sign-in page has a form.
    let page = await send('/account', { headers: { accept: 'text/html' } });
    if (page.status !== 200) page = await send('/login', { headers: { accept: 'text/html' } });
    const html = await page.text();
    const value = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!value) throw new Error(`no CSRF token on the page (HTTP ${page.status})`);
    token = { forCookie: cookie(), value };
    return value;
  }

  return {
    cookie,
    fetch: send,
    get: (path, init) => send(path, { ...init, method: 'GET' }),
    csrfToken,
    async postForm(path, fields, options = {}) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
      if (options.csrf !== false) body.set('_csrf', await csrfToken());
      return send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...options.headers },
        body: body.toString(),
      });
    },
  };
}
