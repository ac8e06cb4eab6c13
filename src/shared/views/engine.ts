/**
 * The Handlebars engine shared by pages and e-mails: layouts `main` (staff), `public`
 * (customer-facing pages) and `email`, partials from `views/partials`, and our helpers.
 * Templates are cached when Express's `view cache` is on (production).
 */
import path from 'node:path';
import { create, type ExpressHandlebars } from 'express-handlebars';
import { viewsDir } from '../paths';
import { helpers } from './helpers';

export function createViewEngine(): ExpressHandlebars {
  return create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers,
  });
}
