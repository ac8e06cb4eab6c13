/**
 * What staff templates know about the signed-in user (`{{currentStaff.name}}`, the role for
 * showing the right navigation). Nothing secret: no ids used for access, no hashes.
 */
import type { RequestHandler } from 'express';

export function staffViewLocals(): RequestHandler {
  return (req, res, next) => {
    const staff = req.user;
    res.locals.currentStaff = staff
      ? { name: staff.name, email: staff.email, role: staff.role, isAdmin: staff.role === 'admin', roleKey: `common:role.${staff.role}` }
      : null;
    next();
  };
}
