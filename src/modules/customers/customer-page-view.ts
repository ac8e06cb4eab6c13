/**
 * The customer page in words: labels for the record's codes, and each timeline event as a
 * sentence in the reader's language ("Exit interview (call) with Mei Lin"). Texts are built
 * here and escaped by Handlebars where the template shows them.
 */
import { intlLocaleOf, type Locale } from '../../shared/i18n/locales';
import type { Translate } from '../../shared/i18n/translator';
import { explanationRows, type CauseLabels } from '../classification/cause-view';
import type { TimelineEvent } from './customer-event.model';
import type { Customer } from './customer.model';
import type { CustomerPageData } from './customer-page';
import { transactionKinds } from './vocabulary';

export interface TimelineEntry {
  at: Date;
  /** For the `datetime` attribute. */
  atIso: string;
  type: string;
  title: string;
  details: string[];
  /** Staff's or the customer's own words (a comment), shown as a quotation. */
  quote?: string;
  /** Who did it, when a person or an API key did. */
  by?: string;
  /** Where to read more (an interview). */
  href?: string;
}

export interface Words {
  t: Translate;
  locale: Locale;
  /** Cause labels as the stored taxonomy names them (admins may rename causes). */
  causes: CauseLabels;
}

/** Everything the customer page shows of the record, its value, cause, survey, transactions and timeline. */
export function customerPageView(data: CustomerPageData, words: Words) {
  const { customer, names, transactions } = data;
  const { t, locale, causes } = words;
  const latestInvitation = data.invitations[0];
  return {
    customer: { ...customer, id: String(customer._id) },
    labels: customerLabelKeys(customer),
    ownerName: customer.ownerId ? (names.get(String(customer.ownerId)) ?? String(customer.ownerId)) : undefined,
    cause: customer.cause && {
      ...customer.cause,
      label: causeLabel(customer.cause.code, causes),
      secondaryLabel: customer.cause.secondary ? causeLabel(customer.cause.secondary, causes) : undefined,
      setByName: customer.cause.setBy ? (names.get(customer.cause.setBy) ?? customer.cause.setBy) : undefined,
      suggestedLabel: customer.cause.needsReview && customer.cause.suggested ? causeLabel(customer.cause.suggested, causes) : undefined,
      explanationRows: explanationRows(customer.cause.explanation, causes),
    },
    rfm: customer.value && {
      recency: typeof customer.value.rfm.recencyDays === 'number' ? t('customers:page.days', { count: customer.value.rfm.recencyDays }) : undefined,
      frequency: percentChange(customer.value.rfm.frequencyChange, locale),
      monetary: percentChange(customer.value.rfm.monetaryChange, locale),
    },
    survey: latestInvitation && { ...latestInvitation, statusKey: `customers:surveyStatus.${latestInvitation.status}`, reasonKey: suppressionKey(latestInvitation.reason) },
    transactions: {
      ...transactions,
      // Only the kinds the customer has: "Refunds 0" says nothing.
      kinds: transactionKinds.filter((kind) => transactions.byKind[kind].count > 0).map((kind) => ({ labelKey: `customers:transactions.${kind}`, ...transactions.byKind[kind] })),
    },
    timeline: timelineEntries(data, words),
  };
}

/** The translation key for why a survey was not sent (the surveys module gives its reasons as English words). */
export function suppressionKey(reason: string | undefined): string {
  const known: Record<string, string> = {
    'no e-mail address': 'noEmail',
    'do not contact': 'doNotContact',
    unsubscribed: 'unsubscribed',
    'no e-mail consent': 'noConsent',
    deceased: 'deceased',
  };
  return `customers:suppression.${known[reason ?? ''] ?? 'other'}`;
}

export function timelineEntries(data: Pick<CustomerPageData, 'timeline' | 'names'>, words: Words): TimelineEntry[] {
  return data.timeline.map((event) => timelineEntry(event, data.names, words));
}

/** The cause's label, or an em dash when there is none. */
export function causeLabel(code: unknown, causes: CauseLabels): string {
  return (typeof code === 'string' && causes.label(code)) || '—';
}

/** The label keys of a customer's coded fields, for `{{t …}}` in templates. */
function customerLabelKeys(customer: Customer) {
  return {
    status: `customers:status.${customer.status}`,
    churnType: customer.churnType ? `customers:churnType.${customer.churnType}` : undefined,
    rfmLevel: `customers:rfm.${customer.value?.rfm.level ?? 'none'}`,
    causeSource: customer.cause ? `customers:causeSource.${customer.cause.source}` : undefined,
    locale: `customers:locale.${customer.locale}`,
  };
}

/** A share such as −0.4 as "−40%" in the reader's language; empty when unknown. */
function percentChange(value: number | null | undefined, locale: Locale): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return new Intl.NumberFormat(intlLocaleOf(locale), { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(value);
}

// ---------------------------------------------------------------------------------------------

function timelineEntry(event: TimelineEvent, names: Map<string, string>, { t, locale, causes }: Words): TimelineEntry {
  const data = event.data ?? {};
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const nameOf = (id: unknown) => names.get(text(id));
  const entry: TimelineEntry = { at: event.at, atIso: new Date(event.at).toISOString(), type: event.type, title: '', details: [], by: actorOf(event, names, t) };
  const detail = (key: string, values: Record<string, unknown>) => entry.details.push(t(`customers:timeline.${key}`, values));

  switch (event.type) {
    case 'churned': {
      entry.title = t('customers:timeline.churned', { trigger: t(`customers:trigger.${text(data.trigger) || 'cancellation'}`) });
      if (data.churnType) detail('churnType', { type: t(`customers:churnType.${text(data.churnType)}`) });
      const reported = (data.cause as { code?: unknown; reason?: unknown } | undefined) ?? {};
      if (reported.code) detail('reportedCause', { cause: causeLabel(reported.code, causes) });
      if (reported.reason) entry.quote = text(reported.reason);
      break;
    }
    case 'reactivated':
      entry.title = t('customers:timeline.reactivated');
      if (typeof data.monthlyRevenue === 'number') detail('monthlyRevenue', { amount: amountOf(data.monthlyRevenue, locale) });
      if (data.plan) detail('plan', { plan: text(data.plan) });
      break;
    case 'cause_set':
      entry.title = t('customers:timeline.cause_set', { cause: causeLabel(data.code, causes), source: t(`customers:causeSource.${text(data.source) || 'staff'}`) });
      if (data.secondary) detail('secondaryCause', { cause: causeLabel(data.secondary, causes) });
      if (data.previous) detail('previousCause', { cause: causeLabel(data.previous, causes) });
      if (data.comment) entry.quote = text(data.comment);
      if (data.interviewId) entry.href = `#interview-${text(data.interviewId)}`;
      break;
    case 'updated':
      entry.title = t('customers:timeline.updated', { fields: [data.fields ?? []].flat().map(text).join(', ') });
      break;
    case 'status_changed':
      entry.title = t('customers:timeline.status_changed', { from: t(`customers:status.${text(data.from)}`), to: t(`customers:status.${text(data.to)}`) });
      if (data.rfmLevel) detail('rfmLevel', { level: t(`customers:rfm.${text(data.rfmLevel)}`) });
      break;
    case 'survey_answered':
      entry.title = t('customers:timeline.survey_answered');
      if (data.cause) detail('surveyCause', { cause: causeLabel(data.cause, causes) });
      break;
    case 'mail_failed':
      entry.title = t('customers:timeline.mail_failed');
      if (data.reason) detail('reason', { reason: text(data.reason) });
      break;
    case 'unsubscribed':
      entry.title = t('customers:timeline.unsubscribed');
      if (data.via) detail('via', { via: text(data.via) });
      break;
    case 'campaign_message':
    case 'call_task':
      entry.title = t(`customers:timeline.${event.type}`, { campaign: nameOf(data.campaignId) ?? t('customers:timeline.someCampaign') });
      if (typeof data.step === 'number') detail('step', { step: data.step + 1 });
      break;
    case 'interview_logged':
    case 'interview_edited':
      entry.title = t(`customers:timeline.${event.type}`, {
        channel: t(`interviews:channel.${text(data.channel)}`),
        interviewer: nameOf(data.interviewerId) ?? t('customers:timeline.someone'),
        fields: [data.fields ?? []].flat().map((field) => t(`interviews:field.${text(field)}`)).join(', '),
      });
      if (data.primaryCause) detail('primaryCause', { cause: causeLabel(data.primaryCause, causes) });
      if (typeof data.likelihoodToReturn === 'number') detail('likelihood', { value: data.likelihoodToReturn });
      if (data.interviewId) entry.href = `#interview-${text(data.interviewId)}`;
      break;
    default:
      // survey_sent, survey_reminded, campaign_reply, created, transaction: the title says it all.
      entry.title = t(`customers:timeline.${event.type}`);
  }
  return entry;
}

/** "by Mei Lin" for staff, "via the API (crm-sync)" for a key; nothing for the system's own steps. */
function actorOf(event: TimelineEvent, names: Map<string, string>, t: Translate): string | undefined {
  if (!event.actor) return undefined;
  if (event.origin === 'api') return t('customers:timeline.viaApi', { name: event.actor });
  const name = names.get(event.actor);
  return name ? t('customers:timeline.by', { name }) : undefined;
}

function amountOf(value: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocaleOf(locale), { maximumFractionDigits: 2 }).format(value);
}
