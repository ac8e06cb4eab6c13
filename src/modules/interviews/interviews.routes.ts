/**
 * Exit interviews, for admins and success staff:
 *
 *   GET  /customers/:id/interviews/new   the form, with today and "me" filled in
 *   POST /customers/:id/interviews       log it (sets the customer's cause unless staff set it by hand)
 *   GET  /interviews/:id/edit            the form with the interview, and its edit history
 *   POST /interviews/:id                 save an edit (the replaced version goes into the history)
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth';
import { ConflictError, ValidationError } from '../../shared/errors';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { listUsers } from '../accounts/accounts.service';
import { causeLabels } from '../classification/cause-view';
import { CauseNotAllowedError } from '../classification/known-causes';
import type { Customer } from '../customers/customer.model';
import { findCustomer } from '../customers/customers.service';
import type { Interview } from './interview.model';
import { formChoices, formValuesOf, historyOf } from './interview-view';
import { interviewFormSchema, revisionField } from './interviews.schemas';
import { editInterview, findInterview, logInterview, type InterviewOutcome } from './interviews.service';

const actors = ['admin', 'success'] as const;

export function interviewRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/customers/:id/interviews/new', roles: actors }, async (req, res) => {
    const customer = await findCustomer(connection, String(req.params.id));
    const values = formValuesOf({ heldOn: new Date(), interviewerId: req.user?.id });
    await renderForm(req, res, 200, { customer, values, errors: {} });
  });

  declareRoute(router, { method: 'post', path: '/customers/:id/interviews', roles: actors }, async (req, res) => {
    const customer = await findCustomer(connection, String(req.params.id));
    const values = valuesToShowAgain(req.body);
    const form = readForm(interviewFormSchema(), req.body);
    if (!form.ok) return renderForm(req, res, 400, { customer, values, errors: form.errors });
    const outcome = await logInterview(connection, String(customer._id), form.data, staffIdOf(req)).catch(fieldProblems);
    if ('errors' in outcome) return renderForm(req, res, 400, { customer, values, errors: outcome.errors });
    await noticeOf(req, outcome, 'logged');
    res.redirect(303, `/customers/${String(customer._id)}#interview-${String(outcome.interview._id)}`);
  });

  declareRoute(router, { method: 'get', path: '/interviews/:id/edit', roles: actors }, async (req, res) => {
    const interview = await findInterview(connection, String(req.params.id));
    const customer = await findCustomer(connection, String(interview.customerId));
    await renderForm(req, res, 200, { customer, interview, values: { ...formValuesOf(interview), revision: String(interview.revision) }, errors: {} });
  });

  declareRoute(router, { method: 'post', path: '/interviews/:id', roles: actors }, async (req, res) => {
    const interview = await findInterview(connection, String(req.params.id));
    const customer = await findCustomer(connection, String(interview.customerId));
    const values = valuesToShowAgain(req.body);
    const form = readForm(interviewFormSchema().and(revisionField), req.body);
    if (!form.ok) return renderForm(req, res, 400, { customer, interview, values, errors: form.errors });
    const { revision, ...input } = form.data;
    const outcome = await editInterview(connection, String(interview._id), input, revision, staffIdOf(req)).catch(fieldProblems);
    if ('errors' in outcome) {
      // After a conflict the form shows the other person's version to start again from.
      const conflict = outcome.errors.revision !== undefined;
      const latest = conflict ? await findInterview(connection, String(interview._id)) : interview;
      return renderForm(req, res, conflict ? 409 : 400, { customer, interview: latest, values: conflict ? { ...values, revision: String(latest.revision) } : values, errors: outcome.errors });
    }
    await noticeOf(req, outcome, 'edited');
    res.redirect(303, `/customers/${String(customer._id)}#interview-${String(interview._id)}`);
  });

  async function renderForm(
    req: Request,
    res: Response,
    status: number,
    { customer, interview, values, errors }: { customer: Customer; interview?: Interview; values: Record<string, unknown>; errors: FieldErrors },
  ): Promise<void> {
    const customerId = String(customer._id);
    const causes = await causeLabels(connection, req.locale);
    res.status(status).render('interviews/form', {
      title: req.t(interview ? 'interviews:form.editTitle' : 'interviews:form.newTitle'),
      customer: { id: customerId, name: customer.name ?? customer.externalId, causeSource: customer.cause?.source },
      staffSetCause: customer.cause?.source === 'staff',
      action: interview ? `/interviews/${String(interview._id)}` : `/customers/${customerId}/interviews`,
      editing: interview !== undefined,
      values,
      errors: Object.keys(errors).length > 0 ? errors : undefined,
      choices: formChoices(values, await listUsers(connection), causes),
      history: interview ? await historyOf(connection, interview, { t: req.t, locale: req.locale, causes }) : [],
    });
  }

  /** What the next page says: logged or saved, and what became of the customer's cause. */
  async function noticeOf(req: Request, outcome: InterviewOutcome, done: 'logged' | 'edited'): Promise<void> {
    if (done === 'edited' && outcome.changed.length === 0) return setNotice(req, 'interviews:notice.unchanged');
    if (outcome.classified) return setNotice(req, `interviews:notice.${done}Classified`, { cause: (await causeLabels(connection, req.locale)).label(outcome.classified) });
    setNotice(req, `interviews:notice.${done}${outcome.causeSet ? 'CauseSet' : ''}`);
  }

  return router;
}

// ---------------------------------------------------------------------------------------------

/** A field problem the service found (an unknown interviewer, a newer revision) becomes form errors; anything else is rethrown. */
function fieldProblems(error: unknown): { errors: FieldErrors } {
  if (error instanceof CauseNotAllowedError) return { errors: error.formErrors };
  if (error instanceof ValidationError || error instanceof ConflictError) {
    const details = (error.details ?? []) as { field: string; reason: string }[];
    return { errors: Object.fromEntries(details.map((problem) => [problem.field, problem.reason])) };
  }
  throw error;
}

function staffIdOf(req: Request): string {
  return req.user?.id ?? 'unknown';
}
