/**
 * What an API key may do. A host CRM gets a key with only the scopes it needs.
 */
export const apiScopes = ['events:write', 'customers:read', 'customers:write', 'metrics:read', 'surveys:write', 'campaigns:write'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** The caller of an `/api/v1` request, once its key is accepted (`req.apiClient`). */
export interface ApiClient {
  keyId: string;
  name: string;
  scopes: readonly ApiScope[];
}

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && (apiScopes as readonly string[]).includes(value);
}
