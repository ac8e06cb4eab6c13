/**
 * Composes one campaign message: the variant's (or step's) subject and body with the merge
 * fields filled in the customer's language, signed links for the button, the open pixel and
 * unsubscribing, and a Message-ID fixed by the delivery (the same message, whoever sends it).
 */
import type { Types } from 'mongoose';
import { translatorFor } from '../../shared/i18n/translator';
import { unsubscribeHeaders, type OutgoingMail } from '../../shared/mail';
import { linkSigner } from '../../shared/security/link-signing';
import { isBuiltInCauseCode } from '../customers/causes';
import type { Customer } from '../customers/customer.model';
import type { Campaign, LocalizedText, OfferRule } from './campaign.model';
import type { CampaignDelivery } from './delivery.model';
import type { CampaignMailDependencies } from './send.service';
import { renderTemplate, type MergeValues } from './templates';

type Locale = 'en' | 'zh-CN';

export async function composeMessage(deps: Pick<CampaignMailDependencies, 'connection' | 'renderer' | 'baseUrl'>, campaign: Campaign, delivery: CampaignDelivery, customer: Customer): Promise<OutgoingMail & { messageId: string }> {
  const locale: Locale = customer.locale === 'zh-CN' ? 'zh-CN' : 'en';
  const member = ruleOf(campaign, delivery);
  const variant = member?.variants.find((candidate) => candidate.key === delivery.variant) ?? member?.variants[0];
  const step = campaign.steps[delivery.step];
  const subjectTemplate = pick(step?.subject, locale) ?? pick(variant?.subject, locale) ?? campaign.name;
  const bodyTemplate = pick(step?.body, locale) ?? pick(variant?.body, locale) ?? '';

  const links = await trackedLinks(deps, delivery._id);
  const t = translatorFor(locale);
  const values: MergeValues = {
    name: customer.name ?? '',
    offer: member ? offerText(member, t) : '',
    couponCode: member?.couponCode,
    discountPercent: member?.discountPercent,
    freeMonths: member?.freeMonths,
    plan: member?.plan,
    // The built-ins have a sentence each; a cause an admin added gets the general one.
    causeText: t(`campaigns:causeText.${isBuiltInCauseCode(delivery.cause) ? delivery.cause : 'other'}`),
    ctaUrl: links.click,
    unsubscribeUrl: links.unsubscribe,
  };
  const text = renderTemplate(bodyTemplate, values, false);
  const rendered = await deps.renderer.render('campaigns/emails/message', {
    locale,
    title: renderTemplate(subjectTemplate, values, false),
    paragraphs: text.split(/\n{2,}/).map((paragraph) => paragraph.trim()).filter(Boolean),
    text,
    ctaUrl: links.click,
    unsubscribeUrl: links.unsubscribe,
    pixelUrl: links.pixel,
  });
  return {
    to: customer.email!,
    subject: renderTemplate(subjectTemplate, values, false),
    ...rendered,
    headers: unsubscribeHeaders(links.unsubscribe),
    category: 'campaign.message',
    refs: { campaignId: String(campaign._id), deliveryId: String(delivery._id), customerId: String(customer._id) },
    messageId: `<campaign-${delivery._id}@${new URL(deps.baseUrl).hostname}>`,
  };
}

function ruleOf(campaign: Campaign, delivery: CampaignDelivery): OfferRule | undefined {
  return campaign.offers.find((rule) => (rule.tiers.includes('*') || rule.tiers.includes(delivery.tier)) && (rule.causes.includes('*') || rule.causes.includes(delivery.cause)));
}

function pick(text: LocalizedText | undefined, locale: Locale): string | undefined {
  const value = text?.[locale] || text?.en;
  return value && value.trim() !== '' ? value : undefined;
}

function offerText(rule: OfferRule, t: (key: string, values?: Record<string, unknown>) => string): string {
  switch (rule.action) {
    case 'discount':
      return t('campaigns:offer.discount', { percent: rule.discountPercent });
    case 'coupon':
      return t('campaigns:offer.coupon', { code: rule.couponCode });
    case 'free_months':
      return t('campaigns:offer.free_months', { months: rule.freeMonths });
    case 'plan_downgrade':
      return t('campaigns:offer.plan_downgrade', { plan: rule.plan });
    default:
      return '';
  }
}

/** Links signed with the delivery id: /c (click), /o (open pixel), /u/c (unsubscribe). */
export async function trackedLinks(deps: Pick<CampaignMailDependencies, 'connection' | 'baseUrl'>, deliveryId: Types.ObjectId): Promise<{ click: string; pixel: string; unsubscribe: string }> {
  const signer = await linkSigner(deps.connection);
  const id = String(deliveryId);
  return {
    click: `${deps.baseUrl}/c/${id}/${signer.sign(`click:${id}`)}`,
    pixel: `${deps.baseUrl}/o/${id}/${signer.sign(`open:${id}`)}.gif`,
    unsubscribe: `${deps.baseUrl}/u/c/${id}/${signer.sign(`unsubscribe:${id}`)}`,
  };
}
