import express, { Router } from 'express';
import { declareRoute, examplePathOf, routeTableOf } from '../../../src/shared/auth';

const noop = () => undefined;

describe('the route table', () => {
  it('when routes are declared on routers mounted under prefixes, then the table lists them with full paths and access', () => {
    const app = express();
    const api = Router();
    declareRoute(api, { method: 'post', path: '/events', apiScope: 'events:write' }, noop);
    const staff = Router();
    declareRoute(staff, { method: 'get', path: '/admin/users/:id', roles: ['admin'] }, noop);
    declareRoute(staff, { method: 'get', path: '/login', public: true }, noop);
    app.use('/api/v1', api);
    app.use(staff);
    declareRoute(app, { method: 'use', path: '/admin/jobs', roles: ['admin'] }, noop);

    const { declared, undeclared } = routeTableOf(app);

    expect(undeclared).toEqual([]);
    expect(declared.map((route) => [route.method, route.path])).toEqual([
      ['post', '/api/v1/events'],
      ['get', '/admin/users/:id'],
      ['get', '/login'],
      ['use', '/admin/jobs'],
    ]);
    expect(declared[0].apiScope).toBe('events:write');
    expect(declared[1].roles).toEqual(['admin']);
  });

  it('when a route is mounted without a declaration, then the table names it as undeclared', () => {
    const app = express();
    const router = Router();
    router.get('/forgotten', noop);
    router.route('/also-forgotten').post(noop).delete(noop);
    app.use('/admin', router);

    expect(routeTableOf(app).undeclared).toEqual([
      { method: 'get', path: '/admin/forgotten' },
      { method: 'post', path: '/admin/also-forgotten' },
      { method: 'delete', path: '/admin/also-forgotten' },
    ]);
  });

  it('when a path has parameters, then its example fills them with a made-up id unless one is given', () => {
    expect(examplePathOf({ method: 'post', path: '/admin/users/:id/disable', roles: ['admin'] })).toBe('/admin/users/000000000000000000000000/disable');
    expect(examplePathOf({ method: 'get', path: '/s/:token', public: true, example: '/s/abc' })).toBe('/s/abc');
    expect(examplePathOf({ method: 'use', path: '/admin/jobs', roles: ['admin'] })).toBe('/admin/jobs/');
  });
});
