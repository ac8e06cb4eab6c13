/**
 * The customers API (`customers.api-routes.ts`) as the OpenAPI description shows it: the same
 * zod schemas the routes parse, the response schemas, and an example of each.
 */
import type { ApiModuleDescription } from '../../shared/http/openapi';
import { builtInCauseCodes } from './causes';
import {
  churnEventSchema,
  customerIdParamsSchema,
  customerListQuerySchema,
  customerPatchSchema,
  reactivationSchema,
  transactionSchema,
} from './customers.schemas';
import {
  churnReportResponseSchema,
  customerExportResponseSchema,
  customerListResponseSchema,
  customerResponseSchema,
  erasureResponseSchema,
  oneCustomerResponseSchema,
  reportResponseSchema,
  timelineEventResponseSchema,
  transactionResponseSchema,
} from './customers.response-schemas';
import { metricsQuerySchema } from './metrics/metrics.schemas';
import { customerStatuses, rfmLevels, valueTiers } from './vocabulary';

const reportOutcomes = {
  201: { description: 'Recorded.', schema: reportResponseSchema },
  200: { description: 'This event id was reported before: nothing changed; the first record is returned.', schema: reportResponseSchema },
};

export const customersApiDescription: ApiModuleDescription = {
  tag: { name: 'customers', description: 'What the host CRM reports about its customers (churn, comeback, orders), and the customer records, privacy requests and churn report.' },
  schemas: {
    Customer: customerResponseSchema,
    TimelineEvent: timelineEventResponseSchema,
    ReportOutcome: reportResponseSchema,
    TransactionOutcome: transactionResponseSchema,
    OneCustomer: oneCustomerResponseSchema,
  },
  operations: [
    {
      method: 'post',
      path: '/churn-events',
      operationId: 'reportChurnEvent',
      summary: 'Report a churned customer',
      description:
        'A cancellation, or no purchase for the inactivity window. An unknown customer is created when a name or an e-mail is given (otherwise 404). Idempotent by `eventId`: sending a report again after a failed attempt (e.g. a 503) finishes what that attempt left undone; while that attempt may still be running (its first 5 seconds) a copy is answered 409 `report_in_progress`. A churned customer with an e-mail and consent is sent the exit survey. `cause.code` and `cause.secondary` must be active causes of the taxonomy: an unknown or retired one answers 400 naming the field.',
      scope: 'events:write',
      body: {
        schema: churnEventSchema,
        example: {
          eventId: 'cancel-88412',
          customer: { externalId: 'C-1042', name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en', plan: 'Pro yearly', revenue: { monthly: 90, tenureMonths: 30 }, emailConsent: true },
          at: '2025-05-02T10:00:00Z',
          trigger: 'cancellation',
          churnType: 'voluntary',
          cause: { reason: 'Found a cheaper plan elsewhere' },
        },
      },
      responses: { 201: { ...reportOutcomes[201], example: reportExample() }, 200: reportOutcomes[200] },
      errors: [404, 409],
    },
    {
      method: 'post',
      path: '/reactivations',
      operationId: 'reportReactivation',
      summary: 'Report that a churned customer came back',
      description: 'The customer becomes `won_back`; a win-back campaign that wrote to them is credited. Only a churned customer can come back (otherwise 409). Idempotent by `eventId`.',
      scope: 'events:write',
      body: { schema: reactivationSchema, example: { eventId: 'renew-99120', customer: { externalId: 'C-1042' }, at: '2025-08-14T09:00:00Z', monthlyRevenue: 75, plan: 'Basic monthly' } },
      responses: reportOutcomes,
      errors: [404, 409],
    },
    {
      method: 'post',
      path: '/transactions',
      operationId: 'reportTransaction',
      summary: 'Report an order, payment or refund',
      description: 'Feeds the RFM early warning (recency, frequency and value change). Idempotent by `transactionId`.',
      scope: 'events:write',
      body: { schema: transactionSchema, example: { transactionId: 'order-55201', customer: { externalId: 'C-1042' }, at: '2025-04-20T15:30:00Z', amount: 129.5, kind: 'order', currency: 'EUR' } },
      responses: {
        201: { description: 'Recorded.', schema: transactionResponseSchema },
        200: { description: 'This transaction id was reported before: nothing changed.', schema: transactionResponseSchema },
      },
      errors: [404],
    },
    {
      method: 'get',
      path: '/customers',
      operationId: 'listCustomers',
      summary: 'List customers',
      description: 'Filtered, newest first, in pages of `limit`; the next page with `after=<nextCursor>`.',
      scope: 'customers:read',
      query: customerListQuerySchema,
      queryNotes: {
        status: `One or more of ${customerStatuses.join(', ')}, comma-separated.`,
        tier: `One or more of ${valueTiers.join(', ')}, comma-separated.`,
        cause: `One or more cause codes of the taxonomy (the built-ins ${builtInCauseCodes.join(', ')}, and those an admin added; retired ones too), comma-separated. An unknown cause answers 400.`,
        rfmLevel: `One or more of ${rfmLevels.join(', ')}, comma-separated.`,
        owner: 'Id of the staff user who owns the customers.',
        q: 'Start of a name, a name word, an e-mail or an external id; case does not matter.',
        churnedFrom: 'Churned on or after this day (UTC).',
        churnedTo: 'Churned on or before this day (UTC).',
      },
      responses: { 200: { description: 'A page of customers.', schema: customerListResponseSchema } },
    },
    {
      method: 'get',
      path: '/customers/{id}',
      operationId: 'getCustomer',
      summary: 'Get a customer',
      scope: 'customers:read',
      pathParams: customerIdParamsSchema,
      responses: { 200: { description: 'The customer.', schema: oneCustomerResponseSchema } },
      errors: [404],
    },
    {
      method: 'patch',
      path: '/customers/{id}',
      operationId: 'updateCustomer',
      summary: 'Change a customer',
      description: "Details, owner, contact permissions or the cause (recorded as the host's: source `import`, confidence 1 unless given). Status moves only through churn events and reactivations. A cause must be active in the taxonomy: an unknown or retired one answers 400 naming the field.",
      scope: 'customers:write',
      pathParams: customerIdParamsSchema,
      body: { schema: customerPatchSchema, example: { plan: 'Pro yearly', tags: ['key-account'], contact: { doNotContact: false }, cause: { code: 'price', reason: 'Told the account manager the renewal was too dear' } } },
      responses: { 200: { description: 'The changed customer.', schema: oneCustomerResponseSchema } },
      errors: [404],
    },
    {
      method: 'get',
      path: '/customers/{id}/export',
      operationId: 'exportCustomer',
      summary: 'Export everything held about a customer',
      description: 'For access and portability requests: the record and every data source, as one JSON download.',
      scope: 'customers:read',
      pathParams: customerIdParamsSchema,
      responses: {
        200: {
          description: 'The customer and their data.',
          schema: customerExportResponseSchema,
          headers: { 'Content-Disposition': { description: 'attachment; filename="customer-<id>.json"' } },
        },
      },
      errors: [404],
    },
    {
      method: 'delete',
      path: '/customers/{id}',
      operationId: 'eraseCustomer',
      summary: 'Erase a customer',
      description: 'Deletes the record and everything kept about the customer (timeline, transactions, survey invitations and answers, campaign data, interviews, stored e-mails). Cannot be undone.',
      scope: 'customers:write',
      pathParams: customerIdParamsSchema,
      responses: { 200: { description: 'What was deleted: counts only, no personal data.', schema: erasureResponseSchema } },
      errors: [404],
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'getChurnReport',
      summary: 'Churn and retention per month or quarter',
      description:
        'Churn rate = lost ÷ customers at the end of the previous period; retention rate = (customers at the end − new ones) ÷ customers at the start; overall, by tier and by cause, with win-backs and the survey response rate. By default the last 12 months or 4 quarters.',
      scope: 'metrics:read',
      query: metricsQuerySchema,
      queryNotes: { from: 'First day (UTC).', to: 'Last day (UTC); at most ten years after from.' },
      responses: { 200: { description: 'The report.', schema: churnReportResponseSchema } },
    },
  ],
};

function reportExample() {
  return {
    duplicate: false,
    event: {
      id: '6650a1f2c9e77b0012a4d3e1',
      type: 'churned',
      at: '2025-05-02T10:00:00.000Z',
      origin: 'api',
      actor: 'host crm',
      data: { eventId: 'cancel-88412', trigger: 'cancellation', churnType: 'voluntary', cause: { reason: 'Found a cheaper plan elsewhere' }, alreadyChurned: false },
    },
    customer: {
      id: '6650a1f2c9e77b0012a4d3e0',
      source: 'crm',
      externalId: 'C-1042',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      locale: 'en',
      plan: 'Pro yearly',
      status: 'churned',
      churnedAt: '2025-05-02T10:00:00.000Z',
      churnType: 'voluntary',
      churns: [{ at: '2025-05-02T10:00:00.000Z', type: 'voluntary' }],
      cause: { source: 'import', reason: 'Found a cheaper plan elsewhere', setBy: 'host crm', setAt: '2025-05-02T10:00:00.000Z' },
      revenue: { monthly: 90, tenureMonths: 30 },
      value: { clv: 3468.2, rfm: { recencyDays: null, frequencyChange: null, monetaryChange: null, level: 'none' }, tier: 'A', computedAt: '2025-05-02T10:00:01.000Z' },
      contact: { emailConsent: true, doNotContact: false },
      ownerId: null,
      tags: [],
      attributes: {},
      engagement: { campaignHoldouts: [] },
      createdAt: '2025-05-02T10:00:01.000Z',
      updatedAt: '2025-05-02T10:00:01.000Z',
    },
  };
}
