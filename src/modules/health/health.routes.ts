/**
 * Probes for load balancers and orchestrators:
 * - `GET /healthz` — the process is up (always 200 while it can answer);
 * - `GET /readyz`  — it can serve traffic (200), or which check failed (503).
 */
import { Router } from 'express';
import type { Logger } from '../../shared/logging';
import { checkReadiness, type ReadinessDependencies } from './readiness';

export function healthRoutes(deps: ReadinessDependencies & { logger: Logger }): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await checkReadiness(deps);
    if (!ready) deps.logger.warn({ checks }, 'not ready');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ok' : 'unavailable', checks });
  });

  return router;
}
