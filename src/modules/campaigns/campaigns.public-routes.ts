/**
 * The links in a campaign message, for customers (no login, no session, no CSRF token: the
 * signature over the delivery id is the credential, so a forged request would have to know it):
 *
 *   GET  /c/:deliveryId/:sig        click-through: record the first click, 302 to the landing page
 *   GET  /o/:deliveryId/:sig.gif    open pixel: always a 1×1 GIF, records the first open
 *   GET  /u/c/:deliveryId/:sig      unsubscribe: asks to confirm
 *   POST /u/c/:deliveryId/:sig      unsubscribe: the button, or a mail client's one-click POST (RFC 8058)
 *
 * A tampered or unknown link gets a friendly 400 page and writes nothing.
 */
import { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { isLocale, type Locale } from '../../shared/i18n/locales';
import { translatorFor } from '../../shared/i18n/translator';
import { recordClick, recordOpen, unsubscribeByDelivery, unsubscribeLinkLocale } from './tracking.service';

export interface CampaignPublicRoutesOptions {
  connection: Connection;
  /** Requests per minute per address on these links. */
  rateLimitPerMinute?: number;
}

/** The smallest transparent GIF. */
const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function campaignPublicRoutes(options: CampaignPublicRoutesOptions): Router {
  const { connection } = options;
  const router = Router();
  router.use(['/c', '/o', '/u/c'], rateLimit({ windowMs: 60_000, limit: options.rateLimitPerMinute ?? 60, standardHeaders: 'draft-7', legacyHeaders: false }));

  declareRoute(router, { method: 'get', path: '/c/:deliveryId/:sig', public: true }, async (req, res) => {
    const click = await recordClick(connection, String(req.params.deliveryId), req.params.sig);
    if (!click) return renderInvalidLink(req, res);
    res.set('Cache-Control', 'no-store').redirect(302, click.landingUrl);
  });

  declareRoute(router, { method: 'get', path: '/o/:deliveryId/:sig.gif', public: true }, async (req, res) => {
    await recordOpen(connection, String(req.params.deliveryId), req.params.sig);
    res.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(pixel);
  });

  declareRoute(router, { method: 'get', path: '/u/c/:deliveryId/:sig', public: true }, async (req, res) => {
    const link = await unsubscribeLinkLocale(connection, String(req.params.deliveryId), req.params.sig);
    if (!link) return renderInvalidLink(req, res);
    const locale = localeFor(req, link.locale);
    res.render('campaigns/public/unsubscribe', {
      layout: 'public',
      locale,
      title: translatorFor(locale)('campaigns:public.unsubscribe.title'),
      action: `/u/c/${String(req.params.deliveryId)}/${String(req.params.sig)}?lang=${locale}`,
    });
  });

  declareRoute(router, { method: 'post', path: '/u/c/:deliveryId/:sig', public: true }, async (req, res) => {
    const outcome = await unsubscribeByDelivery(connection, String(req.params.deliveryId), req.params.sig);
    if (outcome.state === 'unknown') return renderInvalidLink(req, res);
    renderMessage(res, localeFor(req, outcome.locale), 200, 'unsubscribed');
  });

  return router;
}

function renderInvalidLink(req: Request, res: Response): void {
  renderMessage(res, localeFor(req), 400, 'invalid');
}

function renderMessage(res: Response, locale: Locale, status: number, page: 'invalid' | 'unsubscribed'): void {
  const t = translatorFor(locale);
  res.status(status).render('campaigns/public/message', { layout: 'public', locale, title: t(`campaigns:public.${page}.title`), body: t(`campaigns:public.${page}.body`) });
}

/** `?lang=` when given, else the customer's language, else English. */
function localeFor(req: Request, customerLocale?: string): Locale {
  const requested = req.query.lang;
  if (isLocale(requested)) return requested;
  return isLocale(customerLocale) ? customerLocale : 'en';
}
