export { staffRoles, type StaffRole, type StaffUser } from './staff-user';
export { apiScopes, isApiScope, type ApiScope, type ApiClient } from './api-scopes';
export { requireStaff } from './require-staff';
export { requireApiKey, apiKeyAuthentication, type ApiKeyResolver } from './require-api-key';
export { declareRoute, mountApp, routeTableOf, examplePathOf, type RouteDeclaration, type RouteMethod, type UndeclaredRoute } from './route-table';
export { staffSessions, sessionCookieName } from './session';
export { hashPassword, verifyPassword, verifyAgainstNothing, passwordPolicy } from './passwords';
