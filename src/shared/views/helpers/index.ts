/**
 * Every Handlebars helper, one per file, registered under the name used in templates.
 */
import { eq } from './eq';
import { formatDate } from './format-date';
import { formatDateTime } from './format-date-time';
import { formatNumber } from './format-number';
import { jsonAttribute } from './json-attribute';
import { t } from './t';
import { year } from './year';

export const helpers = { eq, formatDate, formatDateTime, formatNumber, jsonAttribute, t, year };
