/**
 * The customer's side, without login: the survey behind a private link and the unsubscribe
 * link. The link token is the credential, so these forms need no session or CSRF token (a
 * forged post would have to know the token). Unknown, malformed and expired links all get the
 * same friendly page, after the same single lookup.
 */
import { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import type { Connection } from 'mongoose';
import { isLocale, type Locale } from '../../shared/i18n/locales';
import { translatorFor } from '../../shared/i18n/translator';
import { openSurvey, submitResponse, type TextCauseClassifier } from './responses.service';
import { surveyPageModel } from './survey-page';
import { unsubscribeByToken, unsubscribeLinkIsKnown } from './unsubscribe.service';

export interface SurveyPublicRoutesOptions {
  connection: Connection;
  classifyText?: TextCauseClassifier;
  /** Requests per minute per address on these pages. */
  rateLimitPerMinute?: number;
}

export function surveyPublicRoutes(options: SurveyPublicRoutesOptions): Router {
  const { connection } = options;
  const router = Router();
  router.use(['/s', '/u'], rateLimit({ windowMs: 60_000, limit: options.rateLimitPerMinute ?? 60, standardHeaders: 'draft-7', legacyHeaders: false }));

  router.get('/s/:token', async (req, res) => {
    const opened = await openSurvey(connection, req.params.token);
    if (opened.state !== 'open') return renderMessage(req, res, opened.state, { invitationLocale: opened.state === 'answered' ? opened.locale : undefined });
    res.render('surveys/public/survey', surveyPageModel(opened.survey, req.params.token, localeFor(req, opened.invitation.locale)));
  });

  router.post('/s/:token', async (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      return renderMessage(req, res, 'closed', { status: 415 });
    }
    const form = (req.body ?? {}) as Record<string, unknown>;
    const outcome = await submitResponse(connection, req.params.token, form, { classifyText: options.classifyText });
    if (outcome.state === 'invalid') {
      const page = surveyPageModel(outcome.survey, req.params.token, localeFor(req, outcome.invitation.locale), form, outcome.errors);
      return res.status(400).render('surveys/public/survey', page);
    }
    if (outcome.state === 'stored') return renderMessage(req, res, 'thanks', { invitationLocale: outcome.response.locale });
    renderMessage(req, res, outcome.state, { invitationLocale: outcome.state === 'answered' ? outcome.locale : undefined });
  });

  router.get('/u/:token', async (req, res) => {
    const known = await unsubscribeLinkIsKnown(connection, req.params.token);
    const locale = localeFor(req);
    if (!known) return res.status(404).render('surveys/public/message', { layout: 'public', locale, titleKey: 'surveys:closed.title', bodyKey: 'surveys:unsubscribe.unknown' });
    res.render('surveys/public/unsubscribe', { layout: 'public', locale, token: req.params.token, title: 'Unsubscribe' });
  });

  // Both the confirmation button and a mail client's one-click POST (RFC 8058) land here.
  router.post('/u/:token', async (req, res) => {
    const outcome = await unsubscribeByToken(connection, req.params.token);
    const locale = localeFor(req);
    if (outcome === 'unknown') return res.status(404).render('surveys/public/message', { layout: 'public', locale, titleKey: 'surveys:closed.title', bodyKey: 'surveys:unsubscribe.unknown' });
    res.render('surveys/public/message', { layout: 'public', locale, titleKey: 'surveys:unsubscribed.title', bodyKey: 'surveys:unsubscribed.body' });
  });

  return router;
}

type MessagePage = 'thanks' | 'answered' | 'closed';

/** A closed link gets no invitation language: it must not tell a known token from an unknown one. */
function renderMessage(req: Request, res: Response, page: MessagePage, options: { status?: number; invitationLocale?: string } = {}): void {
  const code = options.status ?? (page === 'closed' ? 404 : 200);
  const locale = localeFor(req, options.invitationLocale);
  const title = translatorFor(locale)(`surveys:${page}.title`);
  res.status(code).render('surveys/public/message', { layout: 'public', locale, title, titleKey: `surveys:${page}.title`, bodyKey: `surveys:${page}.body` });
}

/** `?lang=` when given, else the language the customer was written to in, else English. */
function localeFor(req: Request, invitationLocale?: string): Locale {
  const requested = req.query.lang;
  if (isLocale(requested)) return requested;
  return isLocale(invitationLocale) ? invitationLocale : 'en';
}
