/**
 * The events API for host CRMs, under `/api/v1` (API key required, scope per route):
 *
 *   POST  /churn-events     a cancellation or inactivity churn        events:write
 *   POST  /reactivations    a churned customer came back              events:write
 *   POST  /transactions     an order, payment or refund (feeds RFM)   events:write
 *   GET   /customers        filtered, cursor-paginated list           customers:read
 *   GET   /customers/:id    one customer                              customers:read
 *   PATCH /customers/:id    change details, owner, contact, cause     customers:write
 *   GET   /customers/:id/export  everything held about the customer   customers:read
 *   DELETE /customers/:id   erase the customer and all their data     customers:write
 *   GET   /metrics          churn and retention per month or quarter  metrics:read
 *
 * Reports answer 201 when recorded and 200 with the first record when the caller's id was seen
 * before. Bad input answers 400 naming each field; nothing is written for a refused request.
 */
import { Router, type Request } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth';
import { recordChurnEvent, recordReactivation, type ReportOutcome } from './churn-events.service';
import { customerView, timelineEventView } from './customer-view';
import { churnEventSchema, customerIdParamsSchema, customerListQuerySchema, customerPatchSchema, reactivationSchema, transactionSchema } from './customers.schemas';
import { findCustomer, listCustomers, updateCustomer, type Actor } from './customers.service';
import { metricsQuerySchema } from './metrics/metrics.schemas';
import { churnReport } from './metrics/metrics.service';
import { eraseCustomer, exportCustomerData } from './privacy/privacy.service';
import { recordTransaction } from './transactions.service';

export function customersApiRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();

  declareRoute(router, { method: 'post', path: '/churn-events', apiScope: 'events:write' }, async (req, res) => {
    const outcome = await recordChurnEvent(connection, churnEventSchema.parse(req.body), apiActor(req));
    res.status(outcome.duplicate ? 200 : 201).json(reportBody(outcome));
  });

  declareRoute(router, { method: 'post', path: '/reactivations', apiScope: 'events:write' }, async (req, res) => {
    const outcome = await recordReactivation(connection, reactivationSchema.parse(req.body), apiActor(req));
    res.status(outcome.duplicate ? 200 : 201).json(reportBody(outcome));
  });

  declareRoute(router, { method: 'post', path: '/transactions', apiScope: 'events:write' }, async (req, res) => {
    const { transaction, customer, duplicate } = await recordTransaction(connection, transactionSchema.parse(req.body));
    const { _id, customerId, ...fields } = transaction;
    res.status(duplicate ? 200 : 201).json({ duplicate, transaction: { id: String(_id), customerId: String(customerId), ...fields }, customer: customerView(customer) });
  });

  declareRoute(router, { method: 'get', path: '/customers', apiScope: 'customers:read' }, async (req, res) => {
    const page = await listCustomers(connection, customerListQuerySchema.parse(req.query));
    res.json({ customers: page.customers.map(customerView), nextCursor: page.nextCursor });
  });

  declareRoute(router, { method: 'get', path: '/customers/:id', apiScope: 'customers:read' }, async (req, res) => {
    const customer = await findCustomer(connection, customerIdParamsSchema.parse(req.params).id);
    res.json({ customer: customerView(customer) });
  });

  declareRoute(router, { method: 'patch', path: '/customers/:id', apiScope: 'customers:write' }, async (req, res) => {
    const { id } = customerIdParamsSchema.parse(req.params);
    const customer = await updateCustomer(connection, id, customerPatchSchema.parse(req.body), apiActor(req));
    res.json({ customer: customerView(customer) });
  });

  declareRoute(router, { method: 'get', path: '/customers/:id/export', apiScope: 'customers:read' }, async (req, res) => {
    const exported = await exportCustomerData(connection, customerIdParamsSchema.parse(req.params).id);
    res.set('Content-Disposition', `attachment; filename="customer-${exported.customer.id}.json"`).json(exported);
  });

  declareRoute(router, { method: 'delete', path: '/customers/:id', apiScope: 'customers:write' }, async (req, res) => {
    const receipt = await eraseCustomer(connection, customerIdParamsSchema.parse(req.params).id);
    req.log.info({ erasure: receipt, by: apiActor(req).id }, 'customer erased on request');
    res.json({ erasure: receipt });
  });

  declareRoute(router, { method: 'get', path: '/metrics', apiScope: 'metrics:read' }, async (req, res) => {
    res.json(await churnReport(connection, metricsQuerySchema.parse(req.query)));
  });

  return router;
}

function apiActor(req: Request): Actor {
  return { kind: 'api', id: req.apiClient?.name ?? 'api' };
}

function reportBody(outcome: ReportOutcome) {
  return { duplicate: outcome.duplicate, event: timelineEventView(outcome.event), customer: customerView(outcome.customer) };
}
