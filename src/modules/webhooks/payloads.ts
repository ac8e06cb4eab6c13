/**
 * What a webhook says about each event: the body is
 *
 *   { "id": "evt_…", "type": "customer.churned", "createdAt": "2026-…Z", "data": { … } }
 *
 * with `data` built here. Customers are described by their ids in the host CRM (`externalId`,
 * `source`) and what this module learned about them; e-mail and phone are left out — the host
 * already has them, and a receiver that does not need them should not hold them.
 */
import type { Campaign } from '../campaigns/campaign.model';
import type { TimelineEvent } from '../customers/customer-event.model';
import type { Customer } from '../customers/customer.model';
import type { SurveyResponse } from '../surveys/response.model';
import type { DeliveredEventType } from './event-types';

export interface WebhookBody {
  id: string;
  type: DeliveredEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export function customerSummary(customer: Customer): Record<string, unknown> {
  return {
    id: String(customer._id),
    externalId: customer.externalId,
    source: customer.source,
    name: customer.name,
    status: customer.status,
    plan: customer.plan,
    valueTier: customer.value?.tier,
    churnedAt: customer.churnedAt,
    churnType: customer.churnType,
    wonBackAt: customer.wonBackAt,
    cause: customer.cause?.code
      ? {
          code: customer.cause.code,
          secondary: customer.cause.secondary,
          confidence: customer.cause.confidence,
          source: customer.cause.source,
          needsReview: customer.cause.needsReview ?? false,
          suggested: customer.cause.suggested,
        }
      : undefined,
  };
}

export function churnedData(customer: Customer, event: TimelineEvent | undefined): Record<string, unknown> {
  const reported = event?.data ?? {};
  return { customer: customerSummary(customer), churn: { at: event?.at ?? customer.churnedAt, eventId: reported.eventId, trigger: reported.trigger, churnType: reported.churnType } };
}

export function wonBackData(customer: Customer, event: TimelineEvent | undefined): Record<string, unknown> {
  const reported = event?.data ?? {};
  return { customer: customerSummary(customer), reactivation: { at: event?.at ?? customer.wonBackAt, eventId: reported.eventId, monthlyRevenue: reported.monthlyRevenue, plan: reported.plan } };
}

export function classifiedData(customer: Customer): Record<string, unknown> {
  return { customer: customerSummary(customer) };
}

export function surveyRespondedData(response: SurveyResponse, customer: Customer | null): Record<string, unknown> {
  return {
    customer: customer ? customerSummary(customer) : { id: String(response.customerId) },
    response: {
      id: String(response._id),
      surveyKey: response.surveyKey,
      surveyVersion: response.surveyVersion,
      locale: response.locale,
      submittedAt: response.submittedAt,
      mayContact: response.mayContact,
      derivedCause: response.derivedCause,
      answers: response.answers.map(({ questionId, choiceIds, score, text }) => ({ questionId, choiceIds, score, text })),
    },
  };
}

export function campaignCompletedData(campaign: Campaign): Record<string, unknown> {
  return {
    campaign: {
      id: String(campaign._id),
      name: campaign.name,
      goal: campaign.goal,
      startedAt: campaign.launch?.startedAt,
      completedAt: campaign.completedAt,
      members: campaign.launch?.members,
    },
  };
}
