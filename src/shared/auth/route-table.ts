/**
 * The route table: every route is declared with who may use it, next to its handler, in its
 * module's `*.routes.ts`:
 *
 *   declareRoute(router, { method: 'get', path: '/admin/users', roles: ['admin'] }, listUsers);
 *   declareRoute(router, { method: 'post', path: '/api/v1/events', apiScope: 'events:write' }, …);
 *   declareRoute(router, { method: 'get', path: '/login', public: true }, showSignIn);
 *
 * `declareRoute` mounts the matching guard (`requireStaff`, `requireApiKey`) in front of the
 * handlers, so the declaration is what is enforced. `routeTableOf(app)` reads the declarations
 * back from the mounted app, and lists every route mounted without one: the role-matrix test
 * requests each declared route as each role and fails on any undeclared route.
 */
import type { Express, IRouter, RequestHandler } from 'express';
import type { ApiScope } from './api-scopes';
import { requireApiKey } from './require-api-key';
import { requireStaff } from './require-staff';
import type { StaffRole } from './staff-user';

export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type RouteAccess =
  /** Signed-in staff with one of these roles; an empty list admits any signed-in staff. */
  | { roles: readonly StaffRole[]; apiScope?: never; public?: never }
  /** An API key with this scope; null admits any valid key. */
  | { apiScope: ApiScope | null; roles?: never; public?: never }
  /** Anyone, signed in or not (sign-in page, customer-facing pages, probes). */
  | { public: true; roles?: never; apiScope?: never };

export type RouteDeclaration = RouteAccess & {
  /** `use` mounts a whole sub-application under `path` (e.g. the job dashboard). */
  method: RouteMethod | 'use';
  path: string;
  /** A concrete path for tests when `path` has parameters; by default each `:param` becomes a made-up id. */
  example?: string;
};

export interface UndeclaredRoute {
  method: string;
  path: string;
}

/** Mounts `handlers` at the declared method and path, behind the guard the declaration asks for. */
export function declareRoute(router: IRouter, declaration: RouteDeclaration, ...handlers: RequestHandler[]): void {
  const guard = guardFor(declaration);
  Object.defineProperty(guard, declarationKey, { value: Object.freeze({ ...declaration }) });
  router[declaration.method](declaration.path, guard, ...handlers);
}

/**
 * Mounts a sub-app (the plugin's routers) and remembers it on the mount's layer: Express wraps a
 * mounted app in a function that hides its routes, and `routeTableOf` must still see them.
 */
export function mountApp(parent: Express, path: string, child: Express): void {
  parent.use(path, child);
  const stack = (parent as unknown as { router: { stack: Layer[] } }).router.stack;
  Object.defineProperty(stack[stack.length - 1].handle, mountedAppKey, { value: child });
}

/** The declared routes of a mounted app (full paths), and any route mounted without a declaration. */
export function routeTableOf(app: Express): { declared: RouteDeclaration[]; undeclared: UndeclaredRoute[] } {
  const table = { declared: [] as RouteDeclaration[], undeclared: [] as UndeclaredRoute[] };
  collect((app as unknown as { router: { stack: Layer[] } }).router.stack, '', table);
  return table;
}

/** A concrete path to request a declared route with in tests. */
export function examplePathOf(declaration: RouteDeclaration): string {
  if (declaration.example) return declaration.example;
  const path = declaration.path.replace(/:(\w+)/g, '000000000000000000000000');
  return declaration.method === 'use' ? `${path}/` : path;
}

// ---------------------------------------------------------------------------------------------

const declarationKey = Symbol('routeDeclaration');
const mountedAppKey = Symbol('mountedApp');

function guardFor(declaration: RouteDeclaration): RequestHandler {
  if (declaration.public) return (_req, _res, next) => next();
  if (declaration.apiScope !== undefined) return requireApiKey(declaration.apiScope ?? undefined);
  return requireStaff(...declaration.roles);
}

/** The parts of Express 5's router layers read here. */
interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle: { stack?: Layer[] } & Partial<Record<typeof declarationKey, RouteDeclaration>> & { [mountedAppKey]?: Express };
}

function collect(stack: Layer[], prefix: string, table: { declared: RouteDeclaration[]; undeclared: UndeclaredRoute[] }): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = joinPaths(prefix, String(layer.route.path));
      const declaration = (layer.route.stack[0]?.handle as Layer['handle'] | undefined)?.[declarationKey];
      if (declaration) {
        table.declared.push({ ...declaration, path });
      } else {
        for (const method of Object.keys(layer.route.methods)) table.undeclared.push({ method: method === '_all' ? 'all' : method, path });
      }
    } else if (layer.handle[declarationKey]) {
      table.declared.push({ ...layer.handle[declarationKey], path: joinPaths(prefix, String(layer.rawPath ?? '')) });
    } else if (layer.handle[mountedAppKey]) {
      const child = layer.handle[mountedAppKey] as unknown as { router: { stack: Layer[] } };
      collect(child.router.stack, joinPaths(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : ''), table);
    } else if (Array.isArray(layer.handle.stack)) {
      collect(layer.handle.stack, joinPaths(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : ''), table);
    }
  }
}

function joinPaths(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
