/**
 * The campaign page's view model: the campaign's settings in words, the buttons its state
 * allows, the report's figures with rates and the lift in the page's language, and the lists a
 * person acts on (uncertain messages, call tasks).
 */
import { intlLocaleOf, type Locale } from '../../shared/i18n/locales';
import type { Translate } from '../../shared/i18n/translator';
import type { CauseLabels } from '../classification/cause-view';
import type { CampaignState } from './campaign.model';
import type { CampaignAction } from './campaigns.service';
import { localInputOf } from './local-time';
import type { GroupResult } from './report.service';
import type { CampaignPageData } from './report-page.service';

/** The state buttons each state offers (changeCampaignState has the last word). */
const actionsByState: Record<CampaignState, CampaignAction[]> = {
  draft: ['schedule', 'cancel'],
  scheduled: ['unschedule', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

export const editableStates: readonly CampaignState[] = ['draft', 'scheduled'];

/** `causes` names the tier × cause cells and call tasks as the taxonomy does now (a retired cause marked so). */
export function campaignPageView(data: CampaignPageData, t: Translate, locale: Locale, causes: CauseLabels) {
  const { campaign, report } = data;
  const percent = new Intl.NumberFormat(intlLocaleOf(locale), { style: 'percent', maximumFractionDigits: 1 });
  const points = new Intl.NumberFormat(intlLocaleOf(locale), { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  const rate = (part: number, whole: number) => (whole > 0 ? percent.format(part / whole) : '–');
  const causeLabel = (cause: string) => causes.label(cause);
  const row = (group: GroupResult) => ({ ...group, winBackRate: rate(group.wonBack, group.members) });
  const schedule = campaign.schedule;

  return {
    id: String(campaign._id),
    name: campaign.name,
    goal: campaign.goal,
    state: campaign.state,
    stateLabel: t(`campaigns:state.${campaign.state}`),
    editable: editableStates.includes(campaign.state),
    actions: actionsByState[campaign.state].map((action) => ({ action, label: t(`campaigns:stateAction.${action}`), danger: action === 'cancel' })),
    settings: [
      { label: t('campaigns:field.segmentId'), value: data.segmentName ?? t('campaigns:report.ownAudience') },
      { label: t('campaigns:field.startAt'), value: `${localInputOf(schedule.startAt, schedule.defaultTimezone).replace('T', ' ')} (${schedule.defaultTimezone})` },
      {
        label: t('campaigns:report.window'),
        value: t(schedule.weekdaysOnly ? 'campaigns:report.windowWeekdays' : 'campaigns:report.windowEveryDay', { from: schedule.windowStartHour, to: schedule.windowEndHour }),
      },
      { label: t('campaigns:field.steps'), value: campaign.steps.map((step) => t('campaigns:report.day', { day: step.day })).join(', ') },
      { label: t('campaigns:field.throttlePerMinute'), value: String(schedule.throttlePerMinute) },
      { label: t('campaigns:field.frequencyCapDays'), value: String(schedule.frequencyCapDays) },
      { label: t('campaigns:field.holdoutPercent'), value: `${campaign.holdoutPercent}%` },
      { label: t('campaigns:field.attributionDays'), value: String(campaign.attributionDays) },
    ],
    landingUrl: campaign.landingUrl,
    stats: [
      { label: t('campaigns:report.audience'), value: report.audience },
      { label: t('campaigns:report.holdout'), value: report.holdout.members },
      { label: t('campaigns:report.sent'), value: report.treated.sent },
      { label: t('campaigns:report.failed'), value: report.treated.failed },
      { label: t('campaigns:report.uncertain'), value: report.treated.uncertain },
      { label: t('campaigns:report.clicked'), value: report.treated.clicked },
      { label: t('campaigns:report.wonBack'), value: report.treated.wonBack },
      { label: t('campaigns:report.couponsRedeemed'), value: data.couponsRedeemed },
    ],
    recoveredRevenue: report.treated.recoveredRevenue,
    treatedRate: rate(report.treated.wonBack, report.treated.members),
    holdoutRate: rate(report.holdout.wonBack, report.holdout.members),
    lift: report.lift
      ? t('campaigns:report.liftValue', { lift: points.format(report.lift.lift * 100), low: points.format(report.lift.low * 100), high: points.format(report.lift.high * 100) })
      : null,
    byVariant: report.byVariant.map((group) => ({ ...row(group), variant: group.variant })),
    byCell: report.byCell.map((group) => ({ ...row(group), tier: group.tier === 'none' ? t('campaigns:form.noTier') : group.tier, cause: causeLabel(group.cause) })),
    uncertain: data.uncertain.map((delivery) => ({ ...delivery, stepDay: campaign.steps[delivery.step]?.day ?? delivery.step })),
    callTasks: data.callTasks.map((task) => ({ ...task, causeLabel: causeLabel(task.cause), open: task.status === 'open', statusLabel: t(`campaigns:callTask.${task.status}`) })),
  };
}
