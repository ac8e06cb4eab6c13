/**
 * Every Handlebars helper, one per file, registered under the name used in templates.
 */
import { eq } from './eq';
import { formatDate } from './format-date';
import { year } from './year';

export const helpers = { eq, formatDate, year };
