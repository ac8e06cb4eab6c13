/**
 * Admin pages for staff accounts: the list, creating a user with a temporary password,
 * disabling and re-enabling, and resetting a password.
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { staffRoles } from '../../shared/auth/staff-user';
import { ValidationError } from '../../shared/errors';
import { readForm, valuesToShowAgain, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { newUserSchema, passwordResetSchema } from './accounts.schemas';
import { createUser, findUser, listUsers, resetPassword, setUserDisabled } from './accounts.service';

export function userAdminRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();
  const admin = ['admin'] as const;

  declareRoute(router, { method: 'get', path: '/admin/users', roles: admin }, async (req, res) => {
    const users = await listUsers(connection);
    res.render('accounts/users', {
      title: req.t('accounts:users.title'),
      users: users.map((user) => ({
        ...user,
        roleKey: `common:role.${user.role}`,
        isSelf: user.id === req.user?.id,
        locked: user.lockedUntil !== null && user.lockedUntil > new Date(),
      })),
    });
  });

  declareRoute(router, { method: 'get', path: '/admin/users/new', roles: admin }, (req, res) => {
    renderNewUserForm(req, res, 200, { values: { role: 'success' } });
  });

  declareRoute(router, { method: 'post', path: '/admin/users', roles: admin }, async (req, res) => {
    const form = readForm(newUserSchema, req.body);
    if (!form.ok) return renderNewUserForm(req, res, 400, { errors: form.errors, values: valuesToShowAgain(req.body) });
    try {
      const user = await createUser(connection, { ...form.data, mustChangePassword: true });
      setNotice(req, 'accounts:users.created', { name: user.name });
      res.redirect(303, '/admin/users');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      renderNewUserForm(req, res, 400, { errors: Object.fromEntries(error.details.map((p) => [p.field, p.reason])), values: valuesToShowAgain(req.body) });
    }
  });

  const noticeFor = { disable: 'accounts:users.disabledNotice', enable: 'accounts:users.enabledNotice' } as const;
  for (const action of ['disable', 'enable'] as const) {
    declareRoute(router, { method: 'post', path: `/admin/users/:id/${action}`, roles: admin }, async (req, res) => {
      const user = await findUser(connection, String(req.params.id));
      const outcome = await setUserDisabled(connection, { userId: user.id, disabled: action === 'disable', actingUserId: req.user?.id ?? '' });
      setNotice(req, outcome === 'done' ? noticeFor[action] : 'accounts:users.cannotDisableSelf', { name: user.name });
      res.redirect(303, '/admin/users');
    });
  }

  declareRoute(router, { method: 'get', path: '/admin/users/:id/password', roles: admin }, async (req, res) => {
    renderResetForm(req, res, 200, await findUser(connection, String(req.params.id)), {});
  });

  declareRoute(router, { method: 'post', path: '/admin/users/:id/password', roles: admin }, async (req, res) => {
    const user = await findUser(connection, String(req.params.id));
    const form = readForm(passwordResetSchema, req.body);
    if (!form.ok) return renderResetForm(req, res, 400, user, form.errors);
    await resetPassword(connection, { userId: user.id, password: form.data.password });
    setNotice(req, 'accounts:users.passwordReset', { name: user.name });
    res.redirect(303, '/admin/users');
  });

  return router;
}

function renderNewUserForm(req: Request, res: Response, status: number, state: { errors?: FieldErrors; values: Record<string, unknown> }): void {
  res.status(status).render('accounts/user-new', {
    title: req.t('accounts:users.newTitle'),
    roles: staffRoles.map((role) => ({ value: role, labelKey: `common:role.${role}`, selected: state.values.role === role })),
    ...state,
  });
}

function renderResetForm(req: Request, res: Response, status: number, user: { id: string; name: string; email: string }, errors: FieldErrors): void {
  res.status(status).render('accounts/user-password', { title: req.t('accounts:users.resetTitle', { name: user.name }), user, errors });
}
