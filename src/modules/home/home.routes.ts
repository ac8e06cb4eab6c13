/**
 * The staff start page. Later issues replace it with the dashboard.
 */
import { Router } from 'express';

export function homeRoutes(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('home/index', { title: 'Home' });
  });
  return router;
}
