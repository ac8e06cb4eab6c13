/**
 * The staff side of exit surveys, for admins and customer-success staff:
 *
 *   GET  /surveys                      the list: versions, schedule, responses, response rate
 *   GET  /surveys/:key/edit            the builder (also adds, removes and moves rows when posted)
 *   POST /surveys/:key/edit            save as a new version, or apply one of the form's buttons
 *   GET  /surveys/:key/preview?lang=   the customer's page for the current version, disabled
 *   GET  /surveys/bulk-invite          "survey everyone churned between dates"
 *   POST /surveys/bulk-invite          invite them (the dispatcher job sends the messages)
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { causeLabels } from '../classification/cause-view';
import { CauseNotAllowedError } from '../classification/known-causes';
import { isLocale } from '../../shared/i18n/locales';
import { bulkInviteFilterOf, bulkInviteSchema } from './bulk-invite.schemas';
import { inviteBetween, type BulkInviteCounts } from './invitations.service';
import { applyFormAction, draftInputOf, formOfSurvey, readSurveyForm, type SurveyForm } from './survey-form';
import { surveyFormView } from './survey-form-view';
import { surveyOverviews } from './survey-overview.service';
import { surveyPageModel } from './survey-page';
import { problemKeysByField } from './survey-problems';
import type { Survey } from './survey.model';
import { currentSurvey, saveSurveyVersion } from './surveys.service';

const staff = ['admin', 'success'] as const;

/** The link token the preview is drawn with: no invitation has it, so nothing can be posted with it. */
const previewToken = 'preview';

export function surveyRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/surveys', roles: staff }, async (req, res) => {
    const overviews = await surveyOverviews(connection);
    res.render('surveys/list', { title: req.t('surveys:admin.list.title'), surveys: overviews.map((overview) => ({ ...overview, scheduleText: scheduleText(overview.survey, req) })) });
  });

  declareRoute(router, { method: 'get', path: '/surveys/bulk-invite', roles: staff }, (req, res) => {
    res.render('surveys/bulk-invite', { title: req.t('surveys:admin.bulk.title'), values: {}, errors: {} });
  });

  declareRoute(router, { method: 'post', path: '/surveys/bulk-invite', roles: staff }, async (req, res) => {
    const form = readForm(bulkInviteSchema, req.body);
    if (!form.ok) return renderBulkInvite(req, res, 400, valuesToShowAgain(req.body), form.errors);
    const counts = await inviteBetween(connection, bulkInviteFilterOf(form.data), 'bulk');
    renderBulkInvite(req, res, 200, valuesToShowAgain(req.body), {}, counts);
  });

  declareRoute(router, { method: 'get', path: '/surveys/:key/edit', roles: staff }, async (req, res) => {
    const survey = await surveyOf(req);
    await renderBuilder(req, res, 200, survey, formOfSurvey(survey), {});
  });

  declareRoute(router, { method: 'post', path: '/surveys/:key/edit', roles: staff }, async (req, res) => {
    const survey = await surveyOf(req);
    const { form, action } = readSurveyForm(req.body);
    if (action.kind !== 'save') return renderBuilder(req, res, 200, survey, applyFormAction(form, action), {});
    try {
      const saved = await saveSurveyVersion(connection, survey.key, draftInputOf(form), req.user?.id ?? 'unknown');
      setNotice(req, 'surveys:admin.notice.saved', { key: saved.key, version: String(saved.version) });
      res.redirect(303, '/surveys');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderBuilder(req, res, 400, survey, form, error instanceof CauseNotAllowedError ? error.formErrors : problemKeysByField(error.details));
    }
  });

  declareRoute(router, { method: 'get', path: '/surveys/:key/preview', roles: staff }, async (req, res) => {
    const survey = await surveyOf(req);
    const locale = isLocale(req.query.lang) ? req.query.lang : req.locale;
    res.render('surveys/public/survey', {
      ...surveyPageModel(survey, previewToken, locale),
      preview: { version: survey.version, backHref: `/surveys/${encodeURIComponent(survey.key)}/edit` },
    });
  });

  async function surveyOf(req: Request): Promise<Survey> {
    const survey = await currentSurvey(connection, String(req.params.key));
    if (!survey) throw new NotFoundError(req.t('surveys:admin.notFound'), { key: req.params.key });
    return survey;
  }

  async function renderBuilder(req: Request, res: Response, status: number, survey: Survey, form: SurveyForm, errors: FieldErrors): Promise<void> {
    res.status(status).render('surveys/builder', {
      title: req.t('surveys:admin.builder.title', { key: survey.key }),
      key: survey.key,
      version: survey.version,
      nextVersion: survey.version + 1,
      action: `/surveys/${encodeURIComponent(survey.key)}/edit`,
      previewHref: `/surveys/${encodeURIComponent(survey.key)}/preview`,
      hasErrors: Object.keys(errors).length > 0,
      view: surveyFormView({ form, errors, t: req.t, causes: await causeLabels(connection, req.locale) }),
    });
  }

  return router;
}

// ---------------------------------------------------------------------------------------------

function renderBulkInvite(req: Request, res: Response, status: number, values: Record<string, unknown>, errors: FieldErrors, counts?: BulkInviteCounts): void {
  res.status(status).render('surveys/bulk-invite', { title: req.t('surveys:admin.bulk.title'), values, errors, hasErrors: Object.keys(errors).length > 0, counts });
}

/** "After 60 minutes · reminders on days 3, 7 · closes after 30 days" in the page's language. */
function scheduleText(survey: Survey, req: Request): string {
  const { delayMinutes, reminderDays, expiryDays } = survey.schedule;
  const reminders = reminderDays.length === 0 ? req.t('surveys:admin.schedule.noReminders') : req.t('surveys:admin.schedule.reminders', { days: reminderDays.join(', ') });
  return [req.t('surveys:admin.schedule.delay', { minutes: delayMinutes }), reminders, req.t('surveys:admin.schedule.expiry', { days: expiryDays })].join(' · ');
}
