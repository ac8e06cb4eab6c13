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
import { interviewCards } from '../interviews/interview-view';
import { interviewsOf } from '../interviews/interviews.service';
import { resendInvitation } from '../surveys/invitations.service';
import { causeOverrideSchema, overrideCause } from './cause-override';
import { causeCodes } from './causes';
import { customerListRows, listPageView } from './customer-list-view';
import { customerListPage, customerListPageSchema, listQueryOf } from './customer-list';
import { customerPageData } from './customer-page';
import { causeLabel, customerLabelKeys, percentChange, timelineEntries } from './customer-page-view';
import { findCustomer } from './customers.service';
import { transactionKinds } from './vocabulary';

const everyone = ['admin', 'success', 'marketer'] as const;
const actors = ['admin', 'success'] as const;

export function customerPageRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/customers', roles: everyone }, async (req, res) => {
    const raw = listQueryOf(req.query as Record<string, unknown>);
    const owners = await listUsers(connection);
    const parsed = customerListPageSchema.safeParse(raw);
    const errors = parsed.success ? rangeProblems(parsed.data) : filterProblems(parsed.error.issues);
    if (!parsed.success || Object.keys(errors).length > 0) {
      return res.status(400).render('customers/list', { title: req.t('customers:list.title'), ...listPageView({ raw, errors, owners, list: null }), canAct: canAct(req) });
    }
    const list = await customerListPage(connection, parsed.data, req.locale);
    res.render('customers/list', {
      title: req.t('customers:list.title'),
      ...listPageView({ raw, errors: {}, owners, list }),
      rows: customerListRows(list.customers, new Map(owners.map((owner) => [owner.id, owner.name]))),
      canAct: canAct(req),
    });
  });

  declareRoute(router, { method: 'get', path: '/customers/:id', roles: everyone }, async (req, res) => {
    const data = await customerPageData(connection, String(req.params.id));
    const words = { t: req.t, locale: req.locale };
    const { customer } = data;
    const latestInvitation = data.invitations[0];
    res.render('customers/show', {
      title: customer.name ?? customer.externalId,
      customer: { ...customer, id: String(customer._id) },
      labels: customerLabelKeys(customer),
      ownerName: customer.ownerId ? (data.names.get(String(customer.ownerId)) ?? String(customer.ownerId)) : undefined,
      cause: customer.cause && {
        ...customer.cause,
        label: causeLabel(customer.cause.code, req.t),
        secondaryLabel: customer.cause.secondary ? causeLabel(customer.cause.secondary, req.t) : undefined,
        setByName: customer.cause.setBy ? (data.names.get(customer.cause.setBy) ?? customer.cause.setBy) : undefined,
        suggestedLabel: customer.cause.needsReview && customer.cause.suggested ? causeLabel(customer.cause.suggested, req.t) : undefined,
        signals: (customer.cause.explanation ?? []).map((item) => ({ signalKey: `customers:signal.${item.signal}`, evidence: item.evidence, causeLabel: causeLabel(item.cause, req.t) })),
      },
      rfm: customer.value && {
        recency: typeof customer.value.rfm.recencyDays === 'number' ? req.t('customers:page.days', { count: customer.value.rfm.recencyDays }) : undefined,
        frequency: percentChange(customer.value.rfm.frequencyChange, req.locale),
        monetary: percentChange(customer.value.rfm.monetaryChange, req.locale),
      },
      survey: latestInvitation && { ...latestInvitation, statusKey: `customers:surveyStatus.${latestInvitation.status}`, reasonKey: suppressionKey(latestInvitation.reason) },
      transactions: {
        ...data.transactions,
        // Only the kinds the customer has: "Refunds 0" says nothing.
        kinds: transactionKinds.filter((kind) => data.transactions.byKind[kind].count > 0).map((kind) => ({ labelKey: `customers:transactions.${kind}`, ...data.transactions.byKind[kind] })),
      },
      timeline: timelineEntries(data, words),
      interviews: await interviewCards(connection, await interviewsOf(connection, customer._id)),
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
    renderCauseForm(req, res, 200, customer, { code: customer.cause?.code, secondary: customer.cause?.secondary }, {});
  });

  declareRoute(router, { method: 'post', path: '/customers/:id/cause', roles: actors }, async (req, res) => {
    const customer = await findCustomer(connection, String(req.params.id));
    const form = readForm(causeOverrideSchema, req.body);
    if (!form.ok) return renderCauseForm(req, res, 400, customer, valuesToShowAgain(req.body), form.errors);
    await overrideCause(connection, String(customer._id), form.data, { id: staffIdOf(req), name: req.user?.name ?? '' });
    setNotice(req, 'customers:override.done', { cause: causeLabel(form.data.code, req.t) });
    res.redirect(303, `/customers/${String(customer._id)}`);
  });

  return router;
}

// ---------------------------------------------------------------------------------------------

function renderCauseForm(req: Request, res: Response, status: number, customer: { _id: unknown; name?: string; externalId: string; cause?: { code?: string; source: string } }, values: Record<string, unknown>, errors: FieldErrors): void {
  const options = (selected: unknown) => causeCodes.map((code) => ({ value: code, labelKey: `customers:cause.${code}`, selected: code === selected }));
  res.status(status).render('customers/cause', {
    title: req.t('customers:override.title'),
    customer: { id: String(customer._id), name: customer.name ?? customer.externalId },
    current: customer.cause?.code ? { label: causeLabel(customer.cause.code, req.t), sourceKey: `customers:causeSource.${customer.cause.source}` } : undefined,
    primaryOptions: options(values.code),
    secondaryOptions: options(values.secondary),
    values,
    errors: Object.keys(errors).length > 0 ? errors : undefined,
  });
}

/** The translation key for why a survey was not sent (the surveys module's reasons are English words). */
function suppressionKey(reason: string | undefined): string {
  const known: Record<string, string> = {
    'no e-mail address': 'noEmail',
    'do not contact': 'doNotContact',
    unsubscribed: 'unsubscribed',
    'no e-mail consent': 'noConsent',
    deceased: 'deceased',
  };
  return `customers:suppression.${known[reason ?? ''] ?? 'other'}`;
}

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
