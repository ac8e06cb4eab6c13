/**
 * Lets pages and redirects work wherever the app is mounted: standalone at `/`, or inside a
 * host CRM at, say, `/churn`. Templates and routes write paths from our root (`/customers`);
 * under a mount path this middleware prefixes it to
 * - redirects (`res.redirect('/customers')` → `/churn/customers`), and
 * - the links, form actions, sources and `data-*-url` attributes of rendered pages,
 * so no template has to know where it is mounted. Templates also get `{{base}}`.
 */
import type { RequestHandler, Response } from 'express';

/** Attributes of our own markup that hold a path from our root (always double-quoted). */
const localPathAttributes = /\b(href|action|src|data-[a-z-]*url)="\/(?!\/)/g;

export function mountPathAware(): RequestHandler {
  return (req, res, next) => {
    const base = req.baseUrl;
    res.locals.base = base;
    if (base) {
      prefixRedirects(res, base);
      prefixRenderedPaths(res, base);
    }
    next();
  };
}

/** A path from our root as seen from outside (`/customers` → `/churn/customers`). */
export function underMount(base: string, path: string): string {
  return base && path.startsWith('/') && !path.startsWith('//') && path !== base && !path.startsWith(`${base}/`) ? `${base}${path}` : path;
}

function prefixRedirects(res: Response, base: string): void {
  const location = res.location.bind(res);
  res.location = (url: string) => location(underMount(base, url));
}

function prefixRenderedPaths(res: Response, base: string): void {
  const render = res.render.bind(res);
  res.render = ((view: string, options?: object | ((err: Error | null, html: string) => void), callback?: (err: Error | null, html: string) => void) => {
    const done = typeof options === 'function' ? options : callback;
    const locals = typeof options === 'function' ? {} : (options ?? {});
    render(view, locals, (err: Error | null, html: string) => {
      if (err) {
        if (done) done(err, html);
        else res.req.next?.(err);
        return;
      }
      const prefixed = html.replace(localPathAttributes, `$1="${base}/`);
      if (done) done(null, prefixed);
      else res.send(prefixed);
    });
  }) as Response['render'];
}
