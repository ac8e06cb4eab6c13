/**
 * Every route of the accounts module: sign-in, the admin pages for users and API keys, and each
 * user's own account page.
 */
import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Config } from '../../config';
import { ownAccountRoutes } from './account.routes';
import { apiKeyRoutes } from './api-keys.routes';
import { signInRoutes } from './sign-in.routes';
import type { StaffPassport } from './staff-passport';
import { userAdminRoutes } from './users.routes';

export function accountsRoutes(deps: { config: Config; connection: Connection; passport: StaffPassport }): Router {
  const router = Router();
  router.use(signInRoutes(deps), ownAccountRoutes(deps), userAdminRoutes(deps), apiKeyRoutes(deps));
  return router;
}
