/**
 * The API's description and its docs page:
 *
 *   GET /api/v1/openapi.json   the OpenAPI 3.1 document               public
 *   GET /api/docs              Swagger UI reading that document       public
 *
 * Both are public: the document holds no data and no secret, and the developers of a host CRM
 * usually have an API key but no staff account. "Try it out" still needs a key, which the
 * reader types in. Swagger UI is served from the swagger-ui-dist package, never a CDN, and
 * runs under the app's strict CSP unchanged: it styles through the CSSOM, which style-src
 * 'self' allows, and its initializer is a file of ours (the browser test checks both).
 */
import path from 'node:path';
import express, { Router } from 'express';
import { declareRoute } from '../../shared/auth/route-table';
import { apiDocument } from './api-document';

export const openApiPath = '/api/v1/openapi.json';
export const swaggerUiAssetsPath = '/assets/vendor/swagger-ui';

export function apiDocsRoutes({ productName, cacheAssets }: { productName: string; cacheAssets: boolean }): Router {
  const router = Router();
  router.use(swaggerUiAssetsPath, express.static(swaggerUiDir(), { maxAge: cacheAssets ? '1d' : 0, index: false }));

  declareRoute(router, { method: 'get', path: openApiPath, public: true }, (req, res) => {
    // Inside a host CRM the API lives under the plugin's mount path (`/churn/api/v1`).
    res.json({ ...apiDocument(productName), servers: [{ url: `${req.baseUrl}/api/v1`, description: 'This installation' }] });
  });

  declareRoute(router, { method: 'get', path: '/api/docs', public: true }, (_req, res) => {
    res.render('api-docs/index', { layout: false, title: `${productName} API`, specUrl: openApiPath, assets: swaggerUiAssetsPath });
  });

  return router;
}

// ---------------------------------------------------------------------------------------------

function swaggerUiDir(): string {
  // The folder only: the package's main module loads the 1.5 MB bundle, on every app build.
  return path.dirname(require.resolve('swagger-ui-dist/absolute-path.js'));
}
