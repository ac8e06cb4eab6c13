/**
 * The outbox pages, for admins: what the app would have sent while no SMTP server is configured.
 *
 *   GET /admin/outbox?category=&page=   the list, newest first
 *   GET /admin/outbox/:id               one message: headers, the text part, the HTML part as source
 *
 * The HTML part is shown as escaped source, never rendered: it is mail content, and the page's
 * Content-Security-Policy forbids the inline styles e-mails are made of anyway.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { declareRoute } from '../../shared/auth/route-table';
import { NotFoundError } from '../../shared/errors';
import { getOutboxMessage, listOutbox } from './outbox.service';

const outboxQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  category: z.string().trim().max(100).optional().catch(undefined),
});

export function outboxRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/admin/outbox', roles: ['admin'] }, async (req, res) => {
    const query = outboxQuerySchema.parse(req.query);
    const listing = await listOutbox(connection, { page: query.page, category: query.category || undefined });
    const pageHref = (page: number) => `/admin/outbox?${new URLSearchParams({ ...(query.category ? { category: query.category } : {}), page: String(page) })}`;
    res.render('outbox/list', {
      title: req.t('outbox:list.title'),
      ...listing,
      category: query.category ?? '',
      categoryOptions: listing.categories.map((category) => ({ value: category, selected: category === query.category })),
      previousHref: listing.page > 1 ? pageHref(listing.page - 1) : null,
      nextHref: listing.page < listing.pages ? pageHref(listing.page + 1) : null,
    });
  });

  declareRoute(router, { method: 'get', path: '/admin/outbox/:id', roles: ['admin'] }, async (req, res) => {
    const message = await getOutboxMessage(connection, String(req.params.id)).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError(req.t('outbox:show.notFound')) : error;
    });
    res.render('outbox/show', {
      title: message.subject,
      message,
      headers: Object.entries(message.headers ?? {}).map(([name, value]) => ({ name, value: String(value) })),
      refs: Object.entries(message.refs ?? {}).map(([name, value]) => ({ name, value: String(value) })),
    });
  });

  return router;
}
