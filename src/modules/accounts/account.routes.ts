/**
 * Each staff member's own settings: the language of the staff pages and their password.
 * After an admin set a temporary password, this is the only page the user can use until they
 * choose their own (see password-change-gate.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import type { StaffUser } from '../../shared/auth/staff-user';
import { readForm, type FieldErrors } from '../../shared/http/forms';
import { setNotice } from '../../shared/http/notice';
import { languageCookie, localeLabels, supportedLocales } from '../../shared/i18n';
import { languagePreferenceSchema, passwordChangeSchema } from './accounts.schemas';
import { changeOwnPassword, setPreferredLocale } from './accounts.service';

export function ownAccountRoutes({ connection }: { connection: Connection }): Router {
  const router = Router();
  const anyStaff = [] as const;

  declareRoute(router, { method: 'get', path: '/account', roles: anyStaff }, (req, res) => {
    renderAccountPage(req, res, 200, {});
  });

  declareRoute(router, { method: 'post', path: '/account/language', roles: anyStaff }, async (req, res) => {
    const form = readForm(languagePreferenceSchema, req.body);
    if (!form.ok) return renderAccountPage(req, res, 400, { errors: form.errors });
    await setPreferredLocale(connection, staffOf(req).id, form.data.preferredLocale);
    // The language switch's cookie would otherwise win over the preference just saved.
    res.clearCookie(languageCookie, { path: '/' });
    setNotice(req, 'accounts:account.languageSaved');
    res.redirect(303, '/account');
  });

  declareRoute(router, { method: 'post', path: '/account/password', roles: anyStaff }, async (req, res) => {
    const form = readForm(passwordChangeSchema, req.body);
    if (!form.ok) return renderAccountPage(req, res, 400, { errors: form.errors });
    const wasTemporary = staffOf(req).mustChangePassword;
    const updated = await changeOwnPassword(connection, { userId: staffOf(req).id, currentPassword: form.data.currentPassword, newPassword: form.data.password });
    if (!updated) return renderAccountPage(req, res, 400, { errors: { currentPassword: 'accounts:account.currentPasswordWrong' } });
    // Older sessions end with the old password; this one is renewed with the new key.
    await new Promise<void>((resolve, reject) => req.login(updated, (error: unknown) => (error ? reject(error) : resolve())));
    setNotice(req, 'accounts:account.passwordChanged');
    res.redirect(303, wasTemporary ? '/' : '/account');
  });

  return router;
}

function staffOf(req: Request): StaffUser {
  return req.user as StaffUser;
}

function renderAccountPage(req: Request, res: Response, status: number, state: { errors?: FieldErrors }): void {
  const staff = staffOf(req);
  res.status(status).render('accounts/account', {
    title: req.t('accounts:account.title'),
    staff,
    languages: [
      { value: '', labelKey: 'accounts:account.languageFollowBrowser', selected: staff.preferredLocale === null },
      ...supportedLocales.map((code) => ({ value: code, label: localeLabels[code], selected: staff.preferredLocale === code })),
    ],
    ...state,
  });
}
