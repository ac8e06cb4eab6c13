/**
 * The OpenAPI 3.1 description of `/api/v1`: every module's operations (described next to its
 * routes in `*.openapi.ts`) in one document, built once per process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiScopes } from '../../shared/auth/api-scopes';
import { buildOpenApiDocument, type ApiModuleDescription, type JsonObject } from '../../shared/http/openapi';
import { projectRoot } from '../../shared/paths';
import { accountsApiDescription } from '../accounts/accounts.openapi';
import { campaignsApiDescription } from '../campaigns/campaigns.openapi';
import { customersApiDescription } from '../customers/customers.openapi';
import { dashboardApiDescription } from '../dashboard/dashboard.openapi';

/** Every module with routes under `/api/v1`; a module adding API routes adds its description here. */
export const apiDescriptions: readonly ApiModuleDescription[] = [
  customersApiDescription,
  campaignsApiDescription,
  dashboardApiDescription,
  accountsApiDescription,
];

let built: JsonObject | undefined;

export function apiDocument(productName: string): JsonObject {
  built ??= buildOpenApiDocument({ title: `${productName} API`, version: packageVersion(), description: overview }, apiDescriptions);
  return built;
}

// ---------------------------------------------------------------------------------------------

const overview = `The API a host CRM uses to tell us about its customers (churn, comeback, orders) and to read customers, metrics and the dashboard's figures.

**Keys.** An admin creates an API key with the scopes it needs (\`/admin/api-keys\`; a key is shown once) and sends it as \`Authorization: Bearer <key>\` (or \`X-API-Key: <key>\`). Scopes: ${apiScopes.map((scope) => `\`${scope}\``).join(', ')}. A missing or revoked key answers 401; a key without the operation's scope answers 403.

**Requests and answers** are JSON (bodies up to 100 kB; larger ones answer 413). Times are ISO 8601 with an offset (\`2025-03-14T09:30:00Z\`); days are \`YYYY-MM-DD\` (UTC). Request objects are strict: an unknown or misspelt field is an error. Reports carry the caller's own id (\`eventId\`, \`transactionId\`) and are idempotent: the same one again answers 200 with the first record and changes nothing.

**Errors** answer \`{"error": {"code", "message", "details"}}\`; invalid input answers 400 \`validation_failed\` with one \`{field, reason}\` per invalid field, and nothing is written.`;

function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return version;
}
