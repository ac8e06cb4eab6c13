/**
 * The webhook admin pages:
 *
 *   GET  /admin/webhooks                                 endpoints, their state and failures
 *   GET  /admin/webhooks/new                             the new-endpoint form
 *   POST /admin/webhooks                                 register (the secret is shown once)
 *   GET  /admin/webhooks/:id                             one endpoint and its delivery log
 *   POST /admin/webhooks/:id/test                        queue a test event
 *   POST /admin/webhooks/:id/enable | disable
 *   POST /admin/webhooks/:id/rotate-secret               a new secret (shown once)
 *   POST /admin/webhooks/:id/delete
 *   POST /admin/webhooks/:id/deliveries/:deliveryId/redeliver
 *
 * Nothing here calls a receiver: every send is queued for the `webhooks.deliver` job.
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { ValidationError } from '../../shared/errors';
import { valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { deliveryLog, deliveryLogSize, redeliver, sendTestEvent } from './deliveries.service';
import { deleteEndpoint, getEndpoint, listEndpoints, registerEndpoint, rotateSecret, setEndpointEnabled, type Actor } from './endpoints.service';
import { webhookEventTypes } from './event-types';
import type { HostResolver } from './target-guard';
import { endpointView, deliveryView } from './webhook-view';

export interface WebhookRouteDependencies {
  connection: Connection;
  /** Tests resolve host names their own way. */
  resolveHost?: HostResolver;
}

export function webhookRoutes({ connection, resolveHost }: WebhookRouteDependencies): Router {
  const router = Router();
  const admin = ['admin'] as const;

  declareRoute(router, { method: 'get', path: '/admin/webhooks', roles: admin }, async (req, res) => {
    const endpoints = (await listEndpoints(connection)).map(endpointView);
    res.render('webhooks/list', { title: req.t('webhooks:list.title'), endpoints, failing: endpoints.filter((endpoint) => endpoint.disabledByFailures) });
  });

  declareRoute(router, { method: 'get', path: '/admin/webhooks/new', roles: admin }, (req, res) => {
    renderForm(req, res, 200, { values: {} });
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks', roles: admin }, async (req, res) => {
    try {
      const { endpoint, secret } = await registerEndpoint(connection, req.body, { actor: actorOf(req), resolveHost });
      renderSecret(req, res, String(endpoint._id), endpoint.url, secret, 'created');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      renderForm(req, res, 400, { errors: fieldErrorsOf(error), values: valuesToShowAgain(req.body) });
    }
  });

  declareRoute(router, { method: 'get', path: '/admin/webhooks/:id', roles: admin }, async (req, res) => {
    const endpoint = await getEndpoint(connection, String(req.params.id));
    const deliveries = await deliveryLog(connection, endpoint._id);
    res.render('webhooks/show', {
      title: endpoint.url,
      endpoint: endpointView(endpoint),
      deliveries: deliveries.map(deliveryView),
      logSize: deliveryLogSize,
    });
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks/:id/test', roles: admin }, async (req, res) => {
    const endpoint = await getEndpoint(connection, String(req.params.id));
    await sendTestEvent(connection, String(endpoint._id));
    setNotice(req, 'webhooks:notice.testQueued');
    res.redirect(303, `/admin/webhooks/${endpoint._id}`);
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks/:id/enable', roles: admin }, async (req, res) => {
    const endpoint = await setEndpointEnabled(connection, String(req.params.id), true, actorOf(req));
    setNotice(req, 'webhooks:notice.enabled');
    res.redirect(303, `/admin/webhooks/${endpoint._id}`);
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks/:id/disable', roles: admin }, async (req, res) => {
    const endpoint = await setEndpointEnabled(connection, String(req.params.id), false, actorOf(req));
    setNotice(req, 'webhooks:notice.disabled');
    res.redirect(303, `/admin/webhooks/${endpoint._id}`);
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks/:id/rotate-secret', roles: admin }, async (req, res) => {
    const endpoint = await getEndpoint(connection, String(req.params.id));
    const secret = await rotateSecret(connection, String(endpoint._id), actorOf(req));
    renderSecret(req, res, String(endpoint._id), endpoint.url, secret, 'rotated');
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks/:id/delete', roles: admin }, async (req, res) => {
    await deleteEndpoint(connection, String(req.params.id), actorOf(req));
    setNotice(req, 'webhooks:notice.deleted');
    res.redirect(303, '/admin/webhooks');
  });

  declareRoute(router, { method: 'post', path: '/admin/webhooks/:id/deliveries/:deliveryId/redeliver', roles: admin }, async (req, res) => {
    const delivery = await redeliver(connection, String(req.params.id), String(req.params.deliveryId));
    setNotice(req, 'webhooks:notice.redeliveryQueued');
    res.redirect(303, `/admin/webhooks/${delivery.endpointId}`);
  });

  function renderForm(req: Request, res: Response, status: number, state: { errors?: FieldErrors; values: Record<string, unknown> }): void {
    const chosen = new Set([state.values.eventTypes ?? []].flat());
    res.status(status).render('webhooks/new', {
      title: req.t('webhooks:new.title'),
      eventTypes: webhookEventTypes.map((type) => ({ value: type, checked: chosen.has(type), descriptionKey: `webhooks:event.${type.replace('.', '_')}` })),
      allowPrivateNetwork: state.values.allowPrivateNetwork === 'on',
      ...state,
    });
  }

  return router;
}

/** The secret on this one page only: not stored elsewhere, not in a redirect, not cached. */
function renderSecret(req: Request, res: Response, id: string, url: string, secret: string, occasion: 'created' | 'rotated'): void {
  res.set('Cache-Control', 'no-store').render('webhooks/secret', { title: req.t(`webhooks:secret.${occasion}Title`), id, url, secret, rotated: occasion === 'rotated' });
}

function actorOf(req: Request): Actor {
  return { id: req.user?.id ?? 'unknown', name: req.user?.name };
}

/** One message per form field (`eventTypes.0` is the eventTypes checkboxes). */
function fieldErrorsOf(error: ValidationError): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of error.details) errors[problem.field.split('.')[0] || 'form'] ??= problem.reason;
  return errors;
}
