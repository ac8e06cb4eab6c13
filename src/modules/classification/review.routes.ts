/**
 * Staff pages for churn causes (admin, success):
 *
 *   GET  /causes/review                 customers whose comment the classifier could not read with confidence
 *   POST /causes/review/:id/confirm     take the suggested cause
 *   POST /causes/review/:id/correct     pick another cause
 *   GET  /causes/reclassify             bulk re-classify form and the last run's counts
 *   POST /causes/reclassify             queue (or, without a scheduler, run) a re-classification
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import type { Scheduler } from '../../../jobs/scheduler';
import { declareRoute } from '../../shared/auth';
import { ConflictError } from '../../shared/errors';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { causeCodeField } from '../customers/causes';
import { customerStatuses } from '../customers/vocabulary';
import { loadLastReclassify } from './classification-settings.store';
import { causeLabels, explanationRows } from './cause-view';
import { CauseNotAllowedError } from './known-causes';
import { queueRetrainWhenDue } from './labels.service';
import { countReclassifiable, reclassifyCustomers, reclassifyFilterSchema, type ReclassifyFilter } from './reclassify.service';
import { decideReview, reviewQueue, type ReviewDecision } from './review-queue.service';

export interface ReviewRoutesDependencies {
  connection: Connection;
  /** Queues retraining and bulk re-classification; without one, a re-classification runs in the request. */
  scheduler?: Pick<Scheduler, 'now'>;
}

const causeStaff = ['admin', 'success'] as const;

export function causeReviewRoutes({ connection, scheduler }: ReviewRoutesDependencies): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/causes/review', roles: causeStaff }, async (req, res) => {
    await renderQueue(req, res, 200);
  });

  for (const decision of ['confirm', 'correct'] as const) {
    declareRoute(router, { method: 'post', path: `/causes/review/:id/${decision}`, roles: causeStaff }, async (req, res) => {
      const form = readForm(decisionSchema, req.body);
      if (!form.ok) return renderQueue(req, res, 400, 'classification:review.error.cause');
      const staff = { id: req.user?.id ?? 'unknown', name: req.user?.name };
      try {
        const customer = await decideReview(connection, { customerId: String(req.params.id), decision: decision as ReviewDecision, cause: form.data.cause, staff });
        setNotice(req, `classification:review.${decision}ed`, { name: customer.name ?? customer.externalId, cause: (await causeLabels(connection, req.locale)).label(form.data.cause) });
      } catch (error) {
        if (error instanceof CauseNotAllowedError) return renderQueue(req, res, 400, 'classification:review.error.cause');
        if (!(error instanceof ConflictError)) throw error;
        setNotice(req, 'classification:review.alreadyDecided');
      }
      await queueRetrainWhenDue(connection, scheduler);
      res.redirect(303, '/causes/review');
    });
  }

  declareRoute(router, { method: 'get', path: '/causes/reclassify', roles: causeStaff }, async (req, res) => {
    await renderReclassify(req, res, 200, {});
  });

  declareRoute(router, { method: 'post', path: '/causes/reclassify', roles: causeStaff }, async (req, res) => {
    const form = readForm(reclassifyFilterSchema, req.body);
    if (!form.ok) return renderReclassify(req, res, 400, { errors: form.errors, values: valuesToShowAgain(req.body) });
    const matching = await countReclassifiable(connection, form.data);
    const requestedBy = req.user?.id;
    if (scheduler) {
      await scheduler.now('classification.reclassify', withoutMissing({ ...form.data, requestedBy }));
      setNotice(req, 'classification:reclassify.queued', { count: String(matching) });
    } else {
      const summary = await reclassifyCustomers(connection, form.data, { requestedBy });
      setNotice(req, 'classification:reclassify.done', { examined: String(summary.examined), changed: String(summary.changed), needsReview: String(summary.needsReview) });
    }
    req.log.info({ filter: form.data, matching, by: requestedBy }, 'bulk re-classification requested');
    res.redirect(303, '/causes/reclassify');
  });

  return router;

  async function renderQueue(req: Request, res: Response, status: number, formError?: string): Promise<void> {
    const [queue, labels] = await Promise.all([reviewQueue(connection), causeLabels(connection, req.locale)]);
    res.status(status).render('classification/review', {
      title: req.t('classification:review.title'),
      formError,
      total: queue.total,
      more: queue.total - queue.customers.length,
      customers: queue.customers.map((customer) => {
        const cause = customer.cause!;
        return {
          id: String(customer._id),
          name: customer.name ?? customer.externalId,
          externalId: customer.externalId,
          source: customer.source,
          tier: customer.value?.tier,
          statusKey: `classification:status.${customer.status}`,
          churnedAt: customer.churnedAt,
          text: cause.reason,
          suggested: cause.suggested,
          suggestedLabel: labels.label(cause.suggested),
          confidencePercent: Math.round((cause.confidence ?? 0) * 100),
          explanation: explanationRows(cause.explanation, labels),
          choices: labels.choices.map((choice) => ({ ...choice, selected: choice.code === cause.suggested })),
        };
      }),
    });
  }

  async function renderReclassify(req: Request, res: Response, status: number, state: { errors?: FieldErrors; values?: Record<string, unknown> }): Promise<void> {
    const last = await loadLastReclassify(connection);
    const values = state.values ?? {};
    res.status(status).render('classification/reclassify', {
      title: req.t('classification:reclassify.title'),
      errors: state.errors,
      values,
      statuses: customerStatuses.map((value) => ({ value, labelKey: `classification:status.${value}`, selected: values.status === value })),
      last: last ? { ...last, filterText: describeFilter(req, last.filter) } : null,
    });
  }
}

// ---------------------------------------------------------------------------------------------

const decisionSchema = z.object({ cause: causeCodeField('common:validation.choice') }).strip();

function describeFilter(req: Request, filter: ReclassifyFilter): string {
  const parts = [
    filter.status ? req.t(`classification:status.${filter.status}`) : req.t('classification:reclassify.anyStatus'),
    filter.churnedFrom || filter.churnedTo ? req.t('classification:reclassify.between', { from: filter.churnedFrom ?? '…', to: filter.churnedTo ?? '…' }) : '',
  ];
  return parts.filter(Boolean).join(', ');
}

/** Job payloads are stored as BSON, where an undefined field would come back as null. */
function withoutMissing<T extends Record<string, unknown>>(payload: T): Partial<T> {
  return Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined)) as Partial<T>;
}
