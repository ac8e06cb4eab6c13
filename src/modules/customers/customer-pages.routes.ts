/**
 * The staff pages about customers (every staff role reads; admins and success staff act):
 *
 *   GET  /customers               search, filter, sort and page through customers   every staff role
 *   GET  /customers/:id           profile, value, cause and timeline                every staff role
 *   POST /customers/:id/survey    send the exit survey now                          admin, success
 *   GET  /customers/:id/cause     the form to override the churn cause              admin, success
 *   POST /customers/:id/cause     override it (a comment is required; audited)      admin, success
 *
 * Mounted after customers.routes.ts, whose /customers/import and /customers/export.csv would
 * otherwise be taken for customer ids.
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { listUsers } from '../accounts/accounts.service';
import { causeLabels } from '../classification/cause-view';
import { CauseNotAllowedError } from '../classification/known-causes';
import { interviewCards } from '../interviews/interview-view';
import { interviewsOf } from '../interviews/interviews.service';
import { resendInvitation } from '../surveys/invitations.service';
import { causeOverrideSchema, overrideCause } from './cause-override';
import { customerListRows, listPageView } from './customer-list-view';
import { customerListPage, customerListPageSchema, listQueryOf } from './customer-list';
import { customerPageData } from './customer-page';
import { causeLabel, customerPageView, suppressionKey } from './customer-page-view';
import type { Customer } from './customer.model';
import { findCustomer } from './customers.service';

const everyone = ['admin', 'success', 'marketer'] as const;
const actors = ['admin', 'success'] as const;

export function customerPageRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/customers', roles: everyone }, async (req, res) => {
    const raw = listQueryOf(req.query as Record<string, unknown>);
    const [owners, causes] = await Promise.all([listUsers(connection), causeLabels(connection, req.locale)]);
    const parsed = customerListPageSchema.safeParse(raw);
    const errors = parsed.success ? rangeProblems(parsed.data) : filterProblems(parsed.error.issues);
    if (!parsed.success || Object.keys(errors).length > 0) {
      return res.status(400).render('customers/list', { title: req.t('customers:list.title'), ...listPageView({ raw, errors, owners, causes, list: null }), canAct: canAct(req) });
    }
    const list = await customerListPage(connection, parsed.data, req.locale).catch((error: unknown) => {
      if (error instanceof CauseNotAllowedError) return error;
      throw error;
    });
    if (list instanceof CauseNotAllowedError) {
      return res.status(400).render('customers/list', { title: req.t('customers:list.title'), ...listPageView({ raw, errors: list.formErrors, owners, causes, list: null }), canAct: canAct(req) });
    }
    res.render('customers/list', {
      title: req.t('customers:list.title'),
      ...listPageView({ raw, errors: {}, owners, causes, list }),
      rows: customerListRows(list.customers, new Map(owners.map((owner) => [owner.id, owner.name])), causes),
      canAct: canAct(req),
    });
  });

  declareRoute(router, { method: 'get', path: '/customers/:id', roles: everyone }, async (req, res) => {
    const data = await customerPageData(connection, String(req.params.id));
    const words = { t: req.t, locale: req.locale, causes: await causeLabels(connection, req.locale) };
    res.render('customers/show', {
      title: data.customer.name ?? data.customer.externalId,
      ...customerPageView(data, words),
      interviews: await interviewCards(connection, await interviewsOf(connection, data.customer._id), words.causes),
      canAct: canAct(req),
    });
  });

  declareRoute(router, { method: 'post', path: '/customers/:id/survey', roles: actors }, async (req, res) => {
    const customer = await findCustomer(connection, String(req.params.id));
    const { invitation, created } = await resendInvitation(connection, String(customer._id), staffIdOf(req));
    if (invitation.status === 'suppressed') setNotice(req, 'customers:survey.suppressed', { reason: req.t(suppressionKey(invitation.reason)) });
    else setNotice(req, created ? 'customers:survey.scheduled' : 'customers:survey.resent');
    res.redirect(303, `/customers/${String(customer._id)}#survey`);
  });

  declareRoute(router, { method: 'get', path: '/customers/:id/cause', roles: actors }, async (req, res) => {
    const customer = await findCustomer(connection, String(req.params.id));
    await renderCauseForm(req, res, 200, customer, { code: customer.cause?.code, secondary: customer.cause?.secondary }, {});
  });

  declareRoute(router, { method: 'post', path: '/customers/:id/cause', roles: actors }, async (req, res) => {
    const customer = await findCustomer(connection, String(req.params.id));
    const form = readForm(causeOverrideSchema, req.body);
    if (!form.ok) return renderCauseForm(req, res, 400, customer, valuesToShowAgain(req.body), form.errors);
    try {
      await overrideCause(connection, String(customer._id), form.data, { id: staffIdOf(req), name: req.user?.name ?? '' });
    } catch (error) {
      if (!(error instanceof CauseNotAllowedError)) throw error;
      return renderCauseForm(req, res, 400, customer, valuesToShowAgain(req.body), error.formErrors);
    }
    setNotice(req, 'customers:override.done', { cause: (await causeLabels(connection, req.locale)).label(form.data.code) });
    res.redirect(303, `/customers/${String(customer._id)}`);
  });

  async function renderCauseForm(req: Request, res: Response, status: number, customer: Customer, values: Record<string, unknown>, errors: FieldErrors): Promise<void> {
    const causes = await causeLabels(connection, req.locale);
    const options = (selected: unknown) => causes.choices.map((choice) => ({ value: choice.code, label: choice.label, selected: choice.code === selected }));
    res.status(status).render('customers/cause', {
      title: req.t('customers:override.title'),
      customer: { id: String(customer._id), name: customer.name ?? customer.externalId },
      current: customer.cause?.code ? { label: causeLabel(customer.cause.code, causes), sourceKey: `customers:causeSource.${customer.cause.source}` } : undefined,
      primaryOptions: options(values.code),
      secondaryOptions: options(values.secondary),
      values,
      errors: Object.keys(errors).length > 0 ? errors : undefined,
    });
  }

  return router;
}

// ---------------------------------------------------------------------------------------------

/** Filter fields with a problem → the message staff see beside the field. */
function filterProblems(issues: { path: PropertyKey[] }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= field === 'churnedFrom' || field === 'churnedTo' ? 'customers:list.error.date' : field === 'q' ? 'common:validation.tooLong' : 'common:validation.choice';
  }
  return errors;
}

function rangeProblems(query: { churnedFrom?: Date; churnedTo?: Date }): FieldErrors {
  return query.churnedFrom && query.churnedTo && query.churnedFrom > query.churnedTo ? { churnedTo: 'customers:list.error.range' } : {};
}

/** Admins and success staff act on customers; marketers read. */
function canAct(req: Request): boolean {
  return (actors as readonly string[]).includes(req.user?.role ?? '');
}

function staffIdOf(req: Request): string {
  return req.user?.id ?? 'unknown';
}
