/**
 * Interviews as pages show them: a card per interview on the customer page, the form's
 * choices, and an edit history that says what each edit replaced.
 */
import { trusted, Types, type Connection } from 'mongoose';
import { intlLocaleOf, type Locale } from '../../shared/i18n/locales';
import type { Translate } from '../../shared/i18n/translator';
import type { StaffAccountView } from '../accounts/staff-account';
import { staffAccountModel } from '../accounts/user.model';
import type { CauseLabels } from '../classification/cause-view';
import { interviewChannels, type Interview, type InterviewFields } from './interview.model';

export interface Words {
  t: Translate;
  locale: Locale;
  /** Cause labels as the stored taxonomy names them (admins may rename causes). */
  causes: CauseLabels;
}

export interface InterviewCard {
  id: string;
  heldOn: Date;
  channelNameKey: string;
  interviewer: string;
  notes: string;
  /** The primary cause's label; empty when staff left it to the classifier. */
  primaryCause: string;
  /** The other reasons heard, as one line. */
  alsoHeard: string;
  competitor?: string;
  likelihoodToReturn?: number;
  likelihoodShown: boolean;
  followUp?: { task: string; dueOn: Date };
  edits: number;
  editHref: string;
}

export async function interviewCards(connection: Connection, interviews: Interview[], causes: CauseLabels): Promise<InterviewCard[]> {
  const names = await staffNames(connection, interviews.map((interview) => interview.interviewerId));
  return interviews.map((interview) => ({
    id: String(interview._id),
    heldOn: interview.heldOn,
    channelNameKey: `interviews:channelName.${interview.channel}`,
    interviewer: names.get(String(interview.interviewerId)) ?? '—',
    notes: interview.notes,
    primaryCause: causes.label(interview.primaryCause),
    alsoHeard: interview.reasons
      .filter((code) => code !== interview.primaryCause)
      .map((code) => causes.label(code))
      .join(', '),
    competitor: interview.competitor,
    likelihoodToReturn: interview.likelihoodToReturn,
    likelihoodShown: typeof interview.likelihoodToReturn === 'number',
    followUp: interview.followUp,
    edits: interview.history.length,
    editHref: `/interviews/${String(interview._id)}/edit`,
  }));
}

/** The form's values as text, from a stored interview (for editing) or from a new one's defaults. */
export function formValuesOf(fields: Partial<Omit<InterviewFields, 'interviewerId'>> & { interviewerId?: unknown }): Record<string, unknown> {
  const day = (date: Date | undefined) => (date ? date.toISOString().slice(0, 10) : '');
  return {
    heldOn: day(fields.heldOn),
    channel: fields.channel ?? '',
    interviewerId: fields.interviewerId ? String(fields.interviewerId) : '',
    notes: fields.notes ?? '',
    reasons: fields.reasons ?? [],
    primaryCause: fields.primaryCause ?? '',
    competitor: fields.competitor ?? '',
    likelihoodToReturn: fields.likelihoodToReturn === undefined ? '' : String(fields.likelihoodToReturn),
    followUpTask: fields.followUp?.task ?? '',
    followUpDue: day(fields.followUp?.dueOn),
  };
}

/** The choices of the form's selects and boxes, with what `values` chose marked; retired causes only when already chosen. */
export function formChoices(values: Record<string, unknown>, staff: StaffAccountView[], causes: CauseLabels) {
  const ticked = new Set([values.reasons ?? []].flat().map(String));
  const offered = new Set<string>(causes.choices.map((choice) => choice.code));
  // A retired cause the interview already names stays offered, so an edit does not drop it.
  const chosen = [...ticked, String(values.primaryCause ?? '')].filter((code) => causes.filterChoices.some((choice) => choice.code === code) && !offered.has(code));
  const causeCodes = [...offered, ...new Set(chosen)];
  // Disabled accounts are offered only when the interview already names them.
  const interviewers = staff.filter((user) => !user.disabled || user.id === values.interviewerId);
  return {
    channels: interviewChannels.map((channel) => ({ value: channel, labelKey: `interviews:channelName.${channel}`, checked: values.channel === channel })),
    causes: causeCodes.map((code) => ({ value: code, label: causes.label(code), checked: ticked.has(code), selected: values.primaryCause === code })),
    interviewers: interviewers.map((user) => ({ value: user.id, name: user.name, selected: values.interviewerId === user.id })),
  };
}

export interface HistoryEntry {
  editedAt: Date;
  editedBy: string;
  /** The fields the edit changed, with what they were before it. */
  changes: { labelKey: string; before: string }[];
}

/** The edit history, newest edit first; each edit compared with the version that followed it. */
export async function historyOf(connection: Connection, interview: Interview, { t, locale, causes }: Words): Promise<HistoryEntry[]> {
  const versions: InterviewFields[] = [...interview.history.map((revision) => revision.before), interview];
  const names = await staffNames(connection, [...interview.history.map((revision) => revision.editedBy), ...versions.map((version) => version.interviewerId)]);
  const show = (field: keyof InterviewFields, version: InterviewFields): string => {
    const value = version[field];
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return '—';
    if (field === 'heldOn') return formatDay(value as Date, locale);
    if (field === 'channel') return t(`interviews:channelName.${String(value)}`);
    if (field === 'interviewerId') return names.get(String(value)) ?? String(value);
    if (field === 'primaryCause') return causes.label(String(value));
    if (field === 'reasons') return (value as string[]).map((code) => causes.label(code)).join(', ');
    if (field === 'followUp') return `${version.followUp?.task} (${formatDay(version.followUp?.dueOn as Date, locale)})`;
    return String(value);
  };
  const fields: (keyof InterviewFields)[] = ['heldOn', 'channel', 'interviewerId', 'notes', 'reasons', 'primaryCause', 'competitor', 'likelihoodToReturn', 'followUp'];
  return interview.history
    .map((revision, index) => ({
      editedAt: revision.editedAt,
      editedBy: names.get(revision.editedBy) ?? revision.editedBy,
      changes: fields
        .filter((field) => show(field, revision.before) !== show(field, versions[index + 1]))
        .map((field) => ({ labelKey: `interviews:field.${field}`, before: show(field, revision.before) })),
    }))
    .reverse();
}

// ---------------------------------------------------------------------------------------------

async function staffNames(connection: Connection, ids: unknown[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids.map(String).filter((id) => /^[0-9a-f]{24}$/i.test(id)))].map((id) => new Types.ObjectId(id));
  if (valid.length === 0) return new Map();
  const accounts = await staffAccountModel(connection).find({ _id: trusted({ $in: valid }) }, { name: 1 }).lean().exec();
  return new Map(accounts.map((account) => [String(account._id), account.name]));
}

function formatDay(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocaleOf(locale), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}
