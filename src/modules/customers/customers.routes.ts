/**
 * Staff pages for customer data:
 *
 *   GET  /customers/import       the upload form                 admin, success
 *   POST /customers/import       import a CSV, show the report   admin, success
 *   GET  /customers/export.csv   any filtered list as CSV        every staff role
 *
 * Uploads go to a temporary file (multer, size-limited) and are streamed from there, so a large
 * file never sits in memory; the file is removed once imported.
 */
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import type { Scheduler } from '../../../jobs/scheduler';
import { declareRoute } from '../../shared/auth';
import { readForm, type FieldErrors } from '../../shared/http/forms';
import { causeLabels, type CauseLabels } from '../classification/cause-view';
import { checkCustomerFilter, customerFilterSchema } from './customer-filter';
import { writeCustomersCsv } from './export/customers-csv';
import { importCustomers, ImportFileError, type ImportReport } from './import/customer-import';
import { mappingNamed, mappingNames } from './import/mappings';

export interface CustomerRoutesDependencies {
  connection: Connection;
  /** Queues the tier recompute after an import; without one it runs before the report shows. */
  scheduler?: Pick<Scheduler, 'now'>;
}

/** Largest upload the page accepts; the CLI has no limit. */
export const maxUploadMegabytes = 50;

export function customerRoutes({ connection, scheduler }: CustomerRoutesDependencies): Router {
  const router = Router();
  const upload = multer({ dest: os.tmpdir(), limits: { fileSize: maxUploadMegabytes * 1024 * 1024, files: 1, fields: 10 } }).single('file');

  declareRoute(router, { method: 'get', path: '/customers/import', roles: ['admin', 'success'] }, (req, res) => {
    renderForm(req, res, 200, {});
  });

  declareRoute(router, { method: 'post', path: '/customers/import', roles: ['admin', 'success'] }, async (req, res) => {
    const uploadError = await new Promise<unknown>((resolve) => upload(req, res, resolve));
    const file = req.file;
    try {
      const form = readForm(importFormSchema, req.body);
      const errors: FieldErrors = form.ok ? {} : { ...form.errors };
      const fileProblem = problemWithUpload(uploadError, file);
      if (fileProblem) errors.file = fileProblem;
      if (!form.ok || fileProblem || !file) return renderForm(req, res, fileProblem === tooLarge ? 413 : 400, { errors, values: req.body });

      const mapping = mappingNamed(form.data.mapping)!;
      const report = await importCustomers(connection, createReadStream(file.path), {
        mapping,
        source: form.data.source,
        importedBy: `staff:${req.user?.id ?? 'unknown'}`,
        recomputeTiers: scheduler === undefined,
      }).catch((error: unknown) => {
        if (error instanceof ImportFileError) return error;
        throw error;
      });
      if (report instanceof ImportFileError) return renderForm(req, res, 400, { fileProblem: report.message, values: req.body });

      if (scheduler && report.created + report.updated > 0) await scheduler.now('customers.recompute-value', {});
      req.log.info({ import: { ...report, rejections: report.rejections.length }, by: req.user?.id }, 'customers imported');
      renderReport(req, res, report, file.originalname, await causeLabels(connection, req.locale));
    } finally {
      if (file) await unlink(file.path).catch(() => undefined);
    }
  });

  declareRoute(router, { method: 'get', path: '/customers/export.csv', roles: ['admin', 'success', 'marketer'] }, async (req, res) => {
    const filter = customerFilterSchema.parse(req.query);
    // Refused before the CSV headers go out, so the 400 is an ordinary error answer.
    await checkCustomerFilter(connection, filter);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="customers-${new Date().toISOString().slice(0, 10)}.csv"`,
      'Cache-Control': 'no-store',
    });
    await writeCustomersCsv(connection, filter, res);
  });

  return router;
}

// ---------------------------------------------------------------------------------------------

const importFormSchema = z.object({
  mapping: z.enum(mappingNames as [string, ...string[]], { error: 'common:validation.choice' }).default('generic'),
  source: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'customers:import.error.source').optional())
    .optional(),
});

const tooLarge = 'customers:import.error.tooLarge';

/** CSV by name and by type; browsers on Windows label CSV files as Excel. */
const csvTypes = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream']);

function problemWithUpload(uploadError: unknown, file: Express.Multer.File | undefined): string | undefined {
  if (uploadError instanceof multer.MulterError) return uploadError.code === 'LIMIT_FILE_SIZE' ? tooLarge : 'customers:import.error.noFile';
  // The multipart parser's own errors ("Unexpected end of form", "Boundary not found") mean the
  // upload arrived cut short or malformed: the sender's problem. A file-system error is ours.
  if (uploadError instanceof Error && (uploadError as NodeJS.ErrnoException).syscall === undefined) return 'customers:import.error.incomplete';
  if (uploadError) throw uploadError;
  if (!file || file.originalname === '') return 'customers:import.error.noFile';
  if (path.extname(file.originalname).toLowerCase() !== '.csv' || !csvTypes.has(file.mimetype)) return 'customers:import.error.notCsv';
  return undefined;
}

function renderForm(req: Request, res: Response, status: number, state: { errors?: FieldErrors; fileProblem?: string; values?: Record<string, unknown> }): void {
  const chosen = typeof state.values?.mapping === 'string' ? state.values.mapping : 'generic';
  res.status(status).render('customers/import', {
    title: req.t('customers:import.title'),
    maxMegabytes: maxUploadMegabytes,
    mappings: mappingNames.map((name) => ({ name, labelKey: `customers:import.mapping.${name}`, checked: name === chosen })),
    values: state.values ?? {},
    errors: state.errors && Object.keys(state.errors).length > 0 ? state.errors : undefined,
    fileProblem: state.fileProblem,
  });
}

function renderReport(req: Request, res: Response, report: ImportReport, fileName: string, labels: CauseLabels): void {
  res.render('customers/import-report', {
    title: req.t('customers:report.title'),
    report,
    fileName,
    moreRejected: report.rejected - report.rejections.length,
    // In report order (the taxonomy's), a cause added by an admin after the built-ins.
    causes: labels.filterChoices.filter((choice) => report.causes[choice.code]).map((choice) => ({ label: choice.label, count: report.causes[choice.code] })),
  });
}
