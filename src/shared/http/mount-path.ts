/**
 * Lets pages and redirects work wherever our app is mounted: standalone at `/`, or inside a
 * host CRM at, say, `/churn`. Templates and routes write paths from our root (`/customers`);
 * under a mount path they get it prefixed:
 * - redirects (`res.redirect('/customers')` → `/churn/customers`), and
 * - the links, form actions, sources and `data-*-url` attributes of rendered pages,
 * so no template has to know where it is mounted. Templates also get `{{base}}`.
 *
 * The methods are defined on the sub-app's own response prototype: Express gives a response
 * that prototype only while the request is inside the sub-app, so the host's redirects and
 * pages, before or after ours, are left alone.
 */
import type { Express, Response } from 'express';

/** Attributes of our own markup that hold a path from our root (always double-quoted). */
const localPathAttributes = /\b(href|action|src|data-[a-z-]*url)="\/(?!\/)/g;

export function followMountPath(app: Express): void {
  // The sub-app's mount path, for the response methods below (the first middleware of the sub-app).
  app.use((req, res, next) => {
    res.locals.base = req.baseUrl;
    next();
  });
  const response = app.response as Response;
  const parent = () => Object.getPrototypeOf(response) as Response;

  response.location = function location(this: Response, url: string) {
    return parent().location.call(this, underMount(baseOf(this), url));
  };

  response.render = function render(this: Response, view: string, options?: object | RenderCallback, callback?: RenderCallback) {
    const base = baseOf(this);
    const done = (typeof options === 'function' ? options : callback) as RenderCallback | undefined;
    const locals = typeof options === 'function' ? {} : (options ?? {});
    const render = parent().render as (this: Response, view: string, locals: object, callback?: RenderCallback) => void;
    if (!base) return render.call(this, view, locals, done);
    render.call(this, view, locals, (err: Error | null, html: string) => {
      if (err) {
        if (done) done(err, html);
        else this.req.next?.(err);
        return;
      }
      const prefixed = html.replace(localPathAttributes, `$1="${base}/`);
      if (done) done(null, prefixed);
      else this.send(prefixed);
    });
  } as Response['render'];
}

/** A path from our root as seen from outside (`/customers` → `/churn/customers`). */
export function underMount(base: string, path: string): string {
  return base && path.startsWith('/') && !path.startsWith('//') ? `${base}${path}` : path;
}

type RenderCallback = (err: Error | null, html: string) => void;

function baseOf(res: Response): string {
  return typeof res.locals.base === 'string' ? res.locals.base : '';
}
