/**
 * The dashboard API (`dashboard.api-routes.ts`) as the OpenAPI description shows it.
 */
import type { ApiModuleDescription } from '../../shared/http/openapi';
import { dashboardFiguresResponseSchema } from './dashboard.response-schemas';
import { dashboardQuerySchema } from './dashboard.schemas';

export const dashboardApiDescription: ApiModuleDescription = {
  tag: { name: 'dashboard', description: 'The figures the staff dashboard draws, for a host CRM to show in its own screens.' },
  operations: [
    {
      method: 'get',
      path: '/metrics/dashboard',
      operationId: 'getDashboardFigures',
      summary: "The dashboard's figures",
      description:
        'Churn and retention by month, causes (overall, by month, by tier), lost revenue, survey response rate, win-back rate and lift by campaign, customers at risk, competitors named, and the review-queue size, for the last 3, 6 or 12 months or custom days, optionally for one value tier, plan or language. Empty parameters count as not set.',
      scope: 'metrics:read',
      query: dashboardQuerySchema,
      queryNotes: {
        range: 'The last 3, 6 or 12 months up to today, or `custom` days from `from` to `to` (at most five years).',
        from: 'First day (UTC) of a custom period.',
        to: 'Last day (UTC) of a custom period.',
        tier: 'Only customers of this value tier (campaigns: members of this tier).',
        plan: 'Only customers on this plan.',
        locale: 'Only customers written to in this language.',
        lang: "The staff page's language switch; the figures do not depend on it.",
      },
      responses: {
        200: { description: 'The figures.', schema: dashboardFiguresResponseSchema },
      },
    },
  ],
};
