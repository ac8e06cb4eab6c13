/**
 * `GET /api/v1/key` (`api-keys.routes.ts`) as the OpenAPI description shows it.
 */
import { z } from 'zod';
import { apiScopes } from '../../shared/auth/api-scopes';
import type { ApiModuleDescription } from '../../shared/http/openapi';

export const apiKeyResponseSchema = z.object({
  name: z.string().meta({ description: 'The name the admin gave the key.' }),
  scopes: z.array(z.enum(apiScopes)),
});

export const accountsApiDescription: ApiModuleDescription = {
  tag: { name: 'api keys', description: 'Checking the API key an integration was given.' },
  operations: [
    {
      method: 'get',
      path: '/key',
      operationId: 'getApiKey',
      summary: 'Check the API key',
      description: "The presented key's name and scopes, to check a configuration.",
      scope: null,
      responses: {
        200: {
          description: 'The key is valid.',
          schema: apiKeyResponseSchema,
          example: { name: 'host crm', scopes: ['events:write', 'customers:read'] },
          headers: { 'Cache-Control': { description: 'no-store' } },
        },
      },
    },
  ],
};
