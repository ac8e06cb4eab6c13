/**
 * Admin pages for API keys (create with scopes, see last use, revoke), and `GET /api/v1/key`,
 * which lets an integration check the key it was given.
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { apiScopes } from '../../shared/auth/api-scopes';
import { declareRoute } from '../../shared/auth/route-table';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { newApiKeySchema } from './accounts.schemas';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service';

export function apiKeyRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();
  const admin = ['admin'] as const;

  declareRoute(router, { method: 'get', path: '/admin/api-keys', roles: admin }, async (req, res) => {
    await renderKeysPage(req, res, 200, { values: {} });
  });

  declareRoute(router, { method: 'post', path: '/admin/api-keys', roles: admin }, async (req, res) => {
    const form = readForm(newApiKeySchema, req.body);
    if (!form.ok) return renderKeysPage(req, res, 400, { errors: form.errors, values: valuesToShowAgain(req.body) });
    const { token } = await createApiKey(connection, { ...form.data, createdBy: req.user?.id });
    // The token is on this one page only: not stored, not in a redirect, not cached.
    res.set('Cache-Control', 'no-store').render('accounts/api-key-created', { title: req.t('accounts:apiKeys.createdTitle'), name: form.data.name, scopes: form.data.scopes, token });
  });

  declareRoute(router, { method: 'post', path: '/admin/api-keys/:id/revoke', roles: admin }, async (req, res) => {
    await revokeApiKey(connection, String(req.params.id), req.user?.id);
    setNotice(req, 'accounts:apiKeys.revoked');
    res.redirect(303, '/admin/api-keys');
  });

  async function renderKeysPage(req: Request, res: Response, status: number, state: { errors?: FieldErrors; values: Record<string, unknown> }): Promise<void> {
    const chosen = new Set([state.values.scopes ?? []].flat());
    res.status(status).render('accounts/api-keys', {
      title: req.t('accounts:apiKeys.title'),
      keys: await listApiKeys(connection),
      scopes: apiScopes.map((scope) => ({ value: scope, checked: chosen.has(scope), descriptionKey: `accounts:scope.${scope.replace(':', '.')}` })),
      ...state,
    });
  }

  return router;
}

/** `GET /key` under `/api/v1`: lets an integration check the key it was given. */
export function apiKeyCheckRoutes(): Router {
  const router = Router();
  declareRoute(router, { method: 'get', path: '/key', apiScope: null }, (req, res) => {
    res.set('Cache-Control', 'no-store').json({ name: req.apiClient?.name, scopes: req.apiClient?.scopes });
  });
  return router;
}
