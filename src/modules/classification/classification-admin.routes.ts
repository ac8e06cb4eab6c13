/**
 * Admin settings for classification (admin only):
 *
 *   GET  /admin/causes                        the cause taxonomy: labels, recoverability, retired or not
 *   POST /admin/causes                        add a cause
 *   POST /admin/causes/:code/rename           new English and Chinese labels
 *   POST /admin/causes/:code/retire|restore   stop or resume offering and predicting a cause
 *   GET  /admin/classifier                    model versions, the review threshold, retraining
 *   POST /admin/classifier/settings           review threshold and labels per retraining
 *   POST /admin/classifier/versions/:version/activate   make an earlier (or later) version active again
 *   POST /admin/classifier/retrain            retrain now from the staff labels
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import type { Scheduler } from '../../../jobs/scheduler';
import { declareRoute } from '../../shared/auth';
import { AppError } from '../../shared/errors';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { listModelVersions, rollbackModel } from './classifier-model.service';
import { classificationSettingsSchema } from './classification-settings';
import { loadClassificationSettings, saveClassificationSettings } from './classification-settings.store';
import { causeCodePattern, noCauseKey } from '../customers/causes';
import { newLabelCount, staffConfirmedLabels } from './labels.service';
import { addCause, listCauses, renameCause, restoreCause, retireCause, seedTaxonomy } from './taxonomy.service';
import { retrain } from './training.service';

export interface ClassificationAdminDependencies {
  connection: Connection;
  /** Queues retraining; without one, it runs in the request. */
  scheduler?: Pick<Scheduler, 'now'>;
}

const admin = ['admin'] as const;

export function classificationAdminRoutes({ connection, scheduler }: ClassificationAdminDependencies): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/admin/causes', roles: admin }, async (req, res) => {
    await renderTaxonomy(req, res, 200, {});
  });

  declareRoute(router, { method: 'post', path: '/admin/causes', roles: admin }, async (req, res) => {
    const form = readForm(newCauseSchema, req.body);
    if (!form.ok) return renderTaxonomy(req, res, 400, { errors: form.errors, values: valuesToShowAgain(req.body) });
    const { code, labelEn, labelZh, descriptionEn, descriptionZh, recoverable, leverEn, leverZh } = form.data;
    try {
      await addCause(connection, {
        code,
        labels: { en: labelEn, 'zh-CN': labelZh },
        description: { en: descriptionEn, 'zh-CN': descriptionZh },
        recoverable,
        winBackLever: { en: leverEn, 'zh-CN': leverZh },
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'cause_exists') throw error;
      return renderTaxonomy(req, res, 400, { errors: { code: 'classification:taxonomy.error.exists' }, values: valuesToShowAgain(req.body) });
    }
    req.log.info({ cause: code, by: req.user?.id }, 'churn cause added');
    setNotice(req, 'classification:taxonomy.added', { code });
    res.redirect(303, '/admin/causes');
  });

  declareRoute(router, { method: 'post', path: '/admin/causes/:code/rename', roles: admin }, async (req, res) => {
    const code = String(req.params.code);
    const form = readForm(renameSchema, req.body);
    if (!form.ok) return renderTaxonomy(req, res, 400, { renameErrors: { code, errors: form.errors } });
    await renameCause(connection, code, { labels: { en: form.data.labelEn, 'zh-CN': form.data.labelZh } });
    req.log.info({ cause: code, by: req.user?.id }, 'churn cause renamed');
    setNotice(req, 'classification:taxonomy.renamed', { code });
    res.redirect(303, '/admin/causes');
  });

  for (const action of ['retire', 'restore'] as const) {
    declareRoute(router, { method: 'post', path: `/admin/causes/:code/${action}`, roles: admin }, async (req, res) => {
      const code = String(req.params.code);
      try {
        await (action === 'retire' ? retireCause : restoreCause)(connection, code);
        setNotice(req, action === 'retire' ? 'classification:taxonomy.retiredNotice' : 'classification:taxonomy.restoredNotice', { code });
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'cause_required') throw error;
        setNotice(req, 'classification:taxonomy.cannotRetire', { code });
      }
      req.log.info({ cause: code, action, by: req.user?.id }, 'churn cause changed');
      res.redirect(303, '/admin/causes');
    });
  }

  declareRoute(router, { method: 'get', path: '/admin/classifier', roles: admin }, async (req, res) => {
    await renderModels(req, res, 200, {});
  });

  declareRoute(router, { method: 'post', path: '/admin/classifier/settings', roles: admin }, async (req, res) => {
    const form = readForm(classificationSettingsSchema, req.body);
    if (!form.ok) return renderModels(req, res, 400, { errors: form.errors, values: valuesToShowAgain(req.body) });
    await saveClassificationSettings(connection, form.data);
    req.log.info({ settings: form.data, by: req.user?.id }, 'classification settings saved');
    setNotice(req, 'classification:settings.saved');
    res.redirect(303, '/admin/classifier');
  });

  declareRoute(router, { method: 'post', path: '/admin/classifier/versions/:version/activate', roles: admin, example: '/admin/classifier/versions/999999/activate' }, async (req, res) => {
    const version = z.coerce.number().int().min(1).max(1_000_000_000).safeParse(req.params.version);
    if (!version.success) throw new AppError('model_version_not_found', 'no such model version', { httpStatus: 404 });
    const activated = await rollbackModel(connection, version.data);
    req.log.info({ version: activated.version, by: req.user?.id }, 'classifier model version activated');
    setNotice(req, 'classification:models.activated', { version: String(activated.version) });
    res.redirect(303, '/admin/classifier');
  });

  declareRoute(router, { method: 'post', path: '/admin/classifier/retrain', roles: admin }, async (req, res) => {
    if (scheduler) {
      await scheduler.now('classification.retrain', { reason: 'manual' });
      setNotice(req, 'classification:models.retrainQueued');
    } else {
      const outcome = await retrain(connection, { labelsSource: staffConfirmedLabels, minNewLabels: 1, reason: 'manual' });
      setNotice(req, outcome.retrained ? 'classification:models.retrained' : 'classification:models.nothingNew', { version: String(outcome.version?.version ?? '') });
    }
    res.redirect(303, '/admin/classifier');
  });

  return router;

  async function renderTaxonomy(
    req: Request,
    res: Response,
    status: number,
    state: { errors?: FieldErrors; values?: Record<string, unknown>; renameErrors?: { code: string; errors: FieldErrors } },
  ): Promise<void> {
    await seedTaxonomy(connection);
    const causes = await listCauses(connection, { includeRetired: true });
    const values = state.values ?? {};
    res.status(status).render('classification/taxonomy', {
      title: req.t('classification:taxonomy.title'),
      causes: causes.map((cause) => ({
        ...cause,
        recoverableKey: `classification:recoverable.${cause.recoverable}`,
        label: cause.labels[req.locale],
        description: cause.description[req.locale],
        lever: cause.winBackLever[req.locale],
        renameErrors: state.renameErrors?.code === cause.code ? state.renameErrors.errors : undefined,
      })),
      errors: state.errors,
      values,
      recoverabilities: recoverabilities.map((value) => ({ value, labelKey: `classification:recoverable.${value}`, selected: (values.recoverable ?? 'yes') === value })),
    });
  }

  async function renderModels(req: Request, res: Response, status: number, state: { errors?: FieldErrors; values?: Record<string, unknown> }): Promise<void> {
    const [versions, settings, newLabels] = await Promise.all([listModelVersions(connection), loadClassificationSettings(connection), newLabelCount(connection)]);
    res.status(status).render('classification/models', {
      title: req.t('classification:models.title'),
      versions: versions.map((version) => ({
        ...version,
        reasonKey: `classification:models.reason.${version.reason}`,
        macroF1: version.crossValidatedMacroF1 === null ? null : version.crossValidatedMacroF1.toFixed(3),
      })),
      builtInActive: !versions.some((version) => version.active),
      newLabels,
      settings: { ...settings, ...state.values },
      errors: state.errors,
    });
  }
}

// ---------------------------------------------------------------------------------------------

const recoverabilities = ['yes', 'sometimes', 'no', 'unknown'] as const;

const label = z.string({ error: 'common:validation.required' }).trim().min(1, 'common:validation.required').max(200, 'common:validation.tooLong');

const renameSchema = z.object({ labelEn: label, labelZh: label }).strip();

const newCauseSchema = z
  .object({
    code: z
      .string({ error: 'common:validation.required' })
      .trim()
      .toLowerCase()
      .regex(causeCodePattern, 'classification:taxonomy.error.code')
      .refine((code) => code !== noCauseKey, 'classification:taxonomy.error.reserved'),
    labelEn: label,
    labelZh: label,
    descriptionEn: label,
    descriptionZh: label,
    recoverable: z.enum(recoverabilities, { error: 'common:validation.choice' }),
    leverEn: label,
    leverZh: label,
  })
  .strip();
