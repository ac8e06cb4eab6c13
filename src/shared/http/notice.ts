/**
 * A one-line message carried to the next page after a redirect ("User disabled."), kept in the
 * session as a translation key and shown once.
 */
import type { Request, RequestHandler } from 'express';

export function setNotice(req: Request, key: string, values?: Record<string, string>): void {
  req.session.notice = { key, values };
}

/**
 * Offers the pending notice to templates as `{{notice}}`, translated. It is a function, which
 * Handlebars calls only where a template shows it: the notice is used up by the page that
 * displays it, not by any page rendered in between.
 */
export function pageNotice(): RequestHandler {
  return (req, res, next) => {
    let shown: string | undefined;
    let taken = false;
    res.locals.notice = () => {
      if (!taken) {
        taken = true;
        const pending = req.session?.notice;
        if (pending) {
          delete req.session.notice;
          shown = req.t(pending.key, pending.values);
        }
      }
      return shown;
    };
    next();
  };
}
