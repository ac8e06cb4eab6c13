/**
 * The campaign screens, for admins and marketers:
 *
 *   GET  /campaigns                         the list
 *   GET  /campaigns/new, /campaigns/:id/edit the form (also adds/removes rows and previews when posted)
 *   POST /campaigns, /campaigns/:id         create / update (a form, or the draft as JSON)
 *   GET  /campaigns/:id                     the report page, with the state buttons
 *   POST /campaigns/:id/state               schedule, unschedule, pause, resume, cancel
 *   GET  /campaigns/:id/report.csv          the report as CSV
 *   POST /campaigns/:id/deliveries/:deliveryId   settle an uncertain message (sent / send again)
 *   POST /campaigns/:id/call-tasks/:taskId/done  a personal call was made
 */
import { Router, type Request, type Response } from 'express';
import type { Connection } from 'mongoose';
import { declareRoute } from '../../shared/auth/route-table';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { setNotice } from '../../shared/http/notice';
import { causeLabels } from '../classification/cause-view';
import { wantsJson } from '../../shared/http/wants-json';
import { createEmailRenderer, type EmailRenderer } from '../../shared/mail';
import type { Campaign } from './campaign.model';
import { applyFormAction, formOfCampaign, newCampaignForm, readCampaignForm, type CampaignForm } from './campaign-form';
import { checkedDraft, draftFromForm, segmentChoices } from './campaign-form.service';
import { campaignFormView } from './campaign-form-view';
import { problemsByField } from './campaign-problems';
import { changeCampaignState, createCampaign, getCampaign, updateCampaign, type CampaignAction } from './campaigns.service';
import { completeCallTask, resolveUncertainDelivery, uncertainDecisions, type UncertainDecision } from './follow-up.service';
import { campaignOverviews } from './overview.service';
import { previewCampaignMessage, type MessagePreview } from './preview.service';
import { campaignReportCsv } from './report-csv';
import { campaignPageData } from './report-page.service';
import { campaignPageView, editableStates } from './report-view';
import { campaignReport } from './report.service';

const staff = ['admin', 'marketer'] as const;
const stateActions: readonly CampaignAction[] = ['schedule', 'unschedule', 'pause', 'resume', 'cancel'];

export interface CampaignRoutesDependencies {
  connection: Connection;
  /** The public address, for the links in a previewed message. */
  baseUrl: string;
  renderer?: EmailRenderer;
}

export function campaignRoutes({ connection, baseUrl, renderer = createEmailRenderer() }: CampaignRoutesDependencies): Router {
  const router = Router();

  declareRoute(router, { method: 'get', path: '/campaigns', roles: staff }, async (req, res) => {
    const campaigns = await campaignOverviews(connection);
    if (wantsJson(req)) return res.json({ campaigns });
    res.render('campaigns/list', { title: req.t('campaigns:list.title'), campaigns: campaigns.map((campaign) => ({ ...campaign, stateLabel: req.t(`campaigns:state.${campaign.state}`) })) });
  });

  declareRoute(router, { method: 'get', path: '/campaigns/new', roles: staff }, async (req, res) => {
    await renderForm(req, res, 200, newCampaignForm(), {});
  });

  declareRoute(router, { method: 'post', path: '/campaigns', roles: staff }, async (req, res) => {
    if (req.is('application/json')) return res.status(201).json({ campaign: await createCampaign(connection, req.body, staffIdOf(req)) });
    await saveOrRebuild(req, res);
  });

  declareRoute(router, { method: 'get', path: '/campaigns/:id', roles: staff }, async (req, res) => {
    await renderCampaignPage(req, res, String(req.params.id), 200);
  });

  declareRoute(router, { method: 'get', path: '/campaigns/:id/edit', roles: staff }, async (req, res) => {
    const campaign = await getCampaign(connection, String(req.params.id));
    if (!editableStates.includes(campaign.state)) return renderCampaignPage(req, res, String(campaign._id), 409, conflictText(req, campaign.state));
    await renderForm(req, res, 200, formOfCampaign(campaign), {}, campaign);
  });

  declareRoute(router, { method: 'post', path: '/campaigns/:id', roles: staff }, async (req, res) => {
    const campaign = await getCampaign(connection, String(req.params.id));
    if (req.is('application/json')) return res.json({ campaign: await updateCampaign(connection, String(campaign._id), req.body) });
    await saveOrRebuild(req, res, campaign);
  });

  declareRoute(router, { method: 'post', path: '/campaigns/:id/state', roles: staff }, async (req, res) => {
    const action = String((req.body as Record<string, unknown> | undefined)?.action ?? '');
    if (!stateActions.includes(action)) throw new ValidationError([{ field: 'action', reason: `expected one of ${stateActions.join(', ')}` }]);
    const id = String(req.params.id);
    try {
      const campaign = await changeCampaignState(connection, id, action);
      if (wantsJson(req)) return res.json({ campaign });
      setNotice(req, 'campaigns:notice.stateChanged', { name: campaign.name, state: req.t(`campaigns:state.${campaign.state}`) });
      res.redirect(303, `/campaigns/${id}`);
    } catch (error) {
      if (!(error instanceof ConflictError) || wantsJson(req)) throw error;
      await renderCampaignPage(req, res, id, 409, conflictText(req, (error.details as { state: string }).state, action));
    }
  });

  declareRoute(router, { method: 'get', path: '/campaigns/:id/report.csv', roles: staff }, async (req, res) => {
    const report = await campaignReport(connection, (await getCampaign(connection, String(req.params.id)))._id);
    if (!report) throw new NotFoundError('Campaign not found.');
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="campaign-${String(report.campaign._id)}-report.csv"`,
      'Cache-Control': 'no-store',
    });
    res.send(campaignReportCsv(report));
  });

  declareRoute(router, { method: 'post', path: '/campaigns/:id/deliveries/:deliveryId', roles: staff }, async (req, res) => {
    const decision = String((req.body as Record<string, unknown> | undefined)?.decision ?? '') as UncertainDecision;
    if (!uncertainDecisions.includes(decision)) throw new ValidationError([{ field: 'decision', reason: `expected one of ${uncertainDecisions.join(', ')}` }]);
    const id = String(req.params.id);
    try {
      const delivery = await resolveUncertainDelivery(connection, id, String(req.params.deliveryId), decision, staffIdOf(req));
      if (wantsJson(req)) return res.json({ delivery });
      setNotice(req, decision === 'sent' ? 'campaigns:notice.markedSent' : 'campaigns:notice.sendAgain');
      res.redirect(303, `/campaigns/${id}#uncertain`);
    } catch (error) {
      if (!(error instanceof ConflictError) || wantsJson(req)) throw error;
      await renderCampaignPage(req, res, id, 409, req.t('campaigns:conflict.delivery'));
    }
  });

  declareRoute(router, { method: 'post', path: '/campaigns/:id/call-tasks/:taskId/done', roles: staff }, async (req, res) => {
    const id = String(req.params.id);
    await completeCallTask(connection, id, String(req.params.taskId));
    if (wantsJson(req)) return res.json({ done: true });
    setNotice(req, 'campaigns:notice.callDone');
    res.redirect(303, `/campaigns/${id}#calls`);
  });

  /** A form button changes the rows and shows the form again; Preview and Save check the whole draft. */
  async function saveOrRebuild(req: Request, res: Response, existing?: Campaign): Promise<void> {
    const { form, action } = readCampaignForm(req.body);
    if (action.kind !== 'save' && action.kind !== 'preview') return renderForm(req, res, 200, applyFormAction(form, action), {}, existing);
    const input = await draftFromForm(connection, form, existing);
    try {
      if (action.kind === 'preview') {
        const preview = await previewCampaignMessage({ connection, renderer, baseUrl }, checkedDraft(input));
        return renderForm(req, res, 200, form, {}, existing, preview);
      }
      const saved = existing ? await updateCampaign(connection, String(existing._id), input) : await createCampaign(connection, input, staffIdOf(req));
      setNotice(req, existing ? 'campaigns:notice.updated' : 'campaigns:notice.created', { name: saved.name });
      res.redirect(303, `/campaigns/${String(saved._id)}`);
    } catch (error) {
      if (error instanceof ValidationError) return renderForm(req, res, 400, form, problemsByField(error.details, req.t), existing);
      if (error instanceof ConflictError && existing) return renderCampaignPage(req, res, String(existing._id), 409, conflictText(req, (error.details as { state: string }).state));
      throw error;
    }
  }

  async function renderForm(req: Request, res: Response, status: number, form: CampaignForm, errors: Record<string, string>, existing?: Campaign, preview?: MessagePreview | null): Promise<void> {
    const segments = await segmentChoices(connection);
    const id = existing ? String(existing._id) : undefined;
    res.status(status).render('campaigns/form', {
      title: existing ? req.t('campaigns:form.editTitle', { name: existing.name }) : req.t('campaigns:form.newTitle'),
      action: id ? `/campaigns/${id}` : '/campaigns',
      backHref: id ? `/campaigns/${id}` : '/campaigns',
      hasErrors: Object.keys(errors).length > 0,
      view: campaignFormView({ form, errors, segments, ownAudience: existing !== undefined && !existing.segmentId, preview, t: req.t, locale: req.locale, causes: await causeLabels(connection, req.locale) }),
    });
  }

  async function renderCampaignPage(req: Request, res: Response, id: string, status: number, alert?: string): Promise<void> {
    const data = await campaignPageData(connection, id);
    res.status(status).render('campaigns/report', { title: data.campaign.name, alert, page: campaignPageView(data, req.t, req.locale, await causeLabels(connection, req.locale)) });
  }

  return router;
}

// ---------------------------------------------------------------------------------------------

function staffIdOf(req: Request): string {
  return req.user?.id ?? 'unknown';
}

/** "This campaign is running: it cannot be edited." in the page's language. */
function conflictText(req: Request, state: string, action?: string): string {
  const stateLabel = req.t(`campaigns:state.${state}`);
  return action ? req.t('campaigns:conflict.action', { state: stateLabel, action: req.t(`campaigns:stateAction.${action}`) }) : req.t('campaigns:conflict.edit', { state: stateLabel });
}
