/**
 * Every route of the segments module, for admins and marketers: the list, the builder (new and
 * edit, one form that also adds and removes rows when posted without JavaScript), deleting,
 * and the preview the builder's script asks for as the filter changes.
 *
 * The builder and save routes answer JSON to JSON requests (`{name, description, definition}`),
 * so the same rules serve API clients and the campaign screens.
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { ValidationError } from '../../shared/errors';
import { setNotice } from '../../shared/http/notice';
import { causeLabels } from '../classification/cause-view';
import { CauseNotAllowedError, knownCauses } from '../classification/known-causes';
import { previewSegment } from './audience.service';
import { applyBuilderAction, draftOf, newSegmentDraft, readSegmentForm, type SegmentForm } from './segment-form';
import { builderView, type DefinitionErrors } from './segment-view';
import { previewSampleSize, segmentDefinitionSchema } from './segment.schemas';
import { createSegment, deleteSegment, getSegment, listSegments, updateSegment } from './segments.service';

const staff = ['admin', 'marketer'] as const;

export function segmentRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/segments', roles: staff }, async (req, res) => {
    const segments = await listSegments(connection);
    if (req.accepts(['html', 'json']) === 'json') return res.json({ segments });
    res.render('segments/list', { title: req.t('segments:list.title'), segments });
  });

  declareRoute(router, { method: 'get', path: '/segments/new', roles: staff }, async (req, res) => {
    await renderBuilder(req, res, 200, { name: '', description: '', definition: newSegmentDraft(), action: { kind: 'refresh' } }, {});
  });

  /** JSON (API, tests): the definition itself. A form post (the page's script): the builder's fields. */
  declareRoute(router, { method: 'post', path: '/segments/preview', roles: staff }, async (req, res) => {
    const input = req.is('application/json') ? req.body : readSegmentForm(req.body, await causeCodes()).definition;
    const parsed = segmentDefinitionSchema.safeParse(input);
    if (!parsed.success) throw translated(ValidationError.fromZod(parsed.error), req);
    res.json(await previewSegment(connection, parsed.data, { now: new Date(), sampleSize: previewSampleSize.default }));
  });

  declareRoute(router, { method: 'post', path: '/segments', roles: staff }, async (req, res) => {
    if (req.is('application/json')) {
      const segment = await createSegment(connection, req.body, staffIdOf(req)).catch((error: unknown) => rethrowTranslated(error, req));
      return res.status(201).json({ segment });
    }
    await saveOrRebuild(req, res, (input) => createSegment(connection, input, staffIdOf(req)));
  });

  declareRoute(router, { method: 'get', path: '/segments/:id/edit', roles: staff }, async (req, res) => {
    const segment = await getSegment(connection, String(req.params.id));
    const form: SegmentForm = { name: segment.name, description: segment.description, definition: draftOf(segment.definition), action: { kind: 'refresh' } };
    await renderBuilder(req, res, 200, form, {}, String(segment._id));
  });

  declareRoute(router, { method: 'post', path: '/segments/:id', roles: staff }, async (req, res) => {
    const id = String(req.params.id);
    if (req.is('application/json')) {
      const segment = await updateSegment(connection, id, req.body).catch((error: unknown) => rethrowTranslated(error, req));
      return res.json({ segment });
    }
    await getSegment(connection, id);
    await saveOrRebuild(req, res, (input) => updateSegment(connection, id, input), id);
  });

  declareRoute(router, { method: 'post', path: '/segments/:id/delete', roles: staff }, async (req, res) => {
    const segment = await getSegment(connection, String(req.params.id));
    await deleteSegment(connection, String(segment._id));
    setNotice(req, 'segments:notice.deleted', { name: segment.name });
    res.redirect(303, '/segments');
  });

  /** A builder button changes the draft and shows it again; Save stores it or shows what is wrong. */
  async function saveOrRebuild(req: Request, res: Response, save: (input: unknown) => Promise<{ name: string }>, id?: string): Promise<void> {
    const form = readSegmentForm(req.body, await causeCodes());
    if (form.action.kind !== 'save') {
      const rebuilt = { ...form, definition: applyBuilderAction(form.definition, form.action) };
      return renderBuilder(req, res, 200, rebuilt, form.action.kind === 'refresh' ? problemsOf(rebuilt.definition) : {}, id);
    }
    try {
      const saved = await save({ name: form.name, description: form.description, definition: form.definition });
      setNotice(req, id ? 'segments:notice.updated' : 'segments:notice.created', { name: saved.name });
      res.redirect(303, '/segments');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const problems = error instanceof CauseNotAllowedError ? error.formErrors : Object.fromEntries(error.details.map((problem) => [problem.field, problem.reason]));
      await renderBuilder(req, res, 400, form, problems, id);
    }
  }

  /** The builder page; the preview is computed whenever the draft is a valid definition, so it works without JavaScript. */
  async function renderBuilder(req: Request, res: Response, status: number, form: SegmentForm, givenErrors: Record<string, string>, id?: string): Promise<void> {
    const parsed = segmentDefinitionSchema.safeParse(form.definition);
    const previewed = parsed.success ? await previewSegment(connection, parsed.data, { now: new Date(), sampleSize: previewSampleSize.default }).catch(causeProblemsOr) : null;
    // A cause the taxonomy does not know: no preview, and the problem beside its condition.
    const preview = previewed instanceof CauseNotAllowedError ? null : previewed;
    const errors = previewed instanceof CauseNotAllowedError ? { ...prefixed(previewed.formErrors, 'definition.'), ...givenErrors } : givenErrors;
    const definitionErrors: DefinitionErrors = {};
    for (const [field, reason] of Object.entries(errors)) if (field.startsWith('definition.')) definitionErrors[field.slice('definition.'.length)] = reason;
    if (errors.definition) definitionErrors.groups = errors.definition;
    res.status(status).render('segments/builder', {
      title: id ? req.t('segments:builder.editTitle', { name: form.name }) : req.t('segments:builder.newTitle'),
      action: id ? `/segments/${id}` : '/segments',
      deleteAction: id ? `/segments/${id}/delete` : null,
      values: { name: form.name, description: form.description },
      errors: { name: errors.name, description: errors.description, any: Object.keys(errors).length > 0 },
      builder: builderView({ definition: form.definition, errors: definitionErrors, preview, t: req.t, causes: await causeLabels(connection, req.locale) }),
    });
  }

  /** Every cause of the taxonomy, retired ones included: what a builder's cause row may hold. */
  async function causeCodes(): Promise<string[]> {
    return (await knownCauses(connection)).all.map((cause) => cause.code);
  }

  return router;
}

// ---------------------------------------------------------------------------------------------

function problemsOf(definition: unknown): Record<string, string> {
  const parsed = segmentDefinitionSchema.safeParse(definition);
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) problems[`definition.${issue.path.join('.')}`] ??= issue.message;
  return problems;
}

function causeProblemsOr(error: unknown): CauseNotAllowedError {
  if (error instanceof CauseNotAllowedError) return error;
  throw error;
}

function prefixed(errors: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, reason]) => [`${prefix}${field}`, reason]));
}

function staffIdOf(req: Request): string {
  return req.user?.id ?? 'unknown';
}

/** JSON clients read the reasons in the request's language; forms translate them in the template. */
function translated(error: ValidationError, req: Request): ValidationError {
  return new ValidationError(error.details.map((problem) => ({ field: problem.field, reason: looksLikeKey(problem.reason) ? req.t(problem.reason) : problem.reason })));
}

function rethrowTranslated(error: unknown, req: Request): never {
  throw error instanceof ValidationError ? translated(error, req) : error;
}

function looksLikeKey(text: string): boolean {
  return /^[a-z]+:[\w.]+$/.test(text);
}
