/**
 * What the survey benchmarks (`bench:survey`, `bench:load`) submit: churned customers with a
 * sent exit-survey invitation each (written in bulk, as the dispatcher would leave them), a
 * valid answer set varied per request, and a distinct client address per request (the survey
 * page is rate-limited per address).
 */
import { Types, type Connection } from 'mongoose';
import { customerModel } from '../../src/modules/customers/customer.model';
import { invitationModel } from '../../src/modules/surveys/invitation.model';
import { responseModel } from '../../src/modules/surveys/response.model';
import { currentSurvey } from '../../src/modules/surveys/surveys.service';
import { newLinkToken } from '../../src/shared/security/tokens';

/** Creates `count` invited customers (half of them Chinese-speaking); returns their link tokens. */
export async function createInvitations(connection: Connection, count: number): Promise<string[]> {
  const survey = await currentSurvey(connection);
  if (!survey) throw new Error('the default exit survey is missing');
  const customers = customerModel(connection);
  const invitations = invitationModel(connection);
  await Promise.all([customers.init(), invitations.init(), responseModel(connection).init()]);
  const tokens: string[] = [];
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 30 * 86_400_000);
  const batch = 2_000;
  for (let start = 0; start < count; start += batch) {
    const customerDocs = Array.from({ length: Math.min(batch, count - start) }, (_, i) => {
      const n = start + i;
      return {
        _id: new Types.ObjectId(),
        source: 'bench',
        externalId: `bench-${n}`,
        name: `Customer ${n}`,
        email: `customer${n}@example.com`,
        locale: n % 2 ? 'zh-CN' : 'en',
        status: 'churned',
        churnedAt: now,
        churns: [{ at: now }],
        contact: { emailConsent: true, doNotContact: false },
        engagement: { campaignHoldouts: [] },
        revenue: {},
        tags: [],
        attributes: {},
        searchKeys: [],
        createdAt: now,
        updatedAt: now,
      };
    });
    await customers.insertMany(customerDocs, { lean: true });
    const invitationDocs = customerDocs.map((customer) => {
      const link = newLinkToken();
      tokens.push(link.token);
      return {
        customerId: customer._id,
        surveyKey: survey.key,
        surveyVersion: survey.version,
        status: 'sent',
        locale: customer.locale,
        sendAt: now,
        sentAt: now,
        lastMessageAt: now,
        messagesSent: 1,
        expiresAt,
        tokenHashes: [link.hash],
        attempts: 0,
        origin: 'bench',
        createdAt: now,
        updatedAt: now,
      };
    });
    await invitations.insertMany(invitationDocs, { lean: true });
  }
  return tokens;
}

/** A client address per request number (10.x.y.z). */
export function addressOf(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

const reasons = ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural'];

/** A full, valid answer set of the default exit survey, varied a little per request. */
export function surveyForm(i: number): string {
  return new URLSearchParams({
    'q_main-reason': reasons[i % reasons.length],
    'q_bought-elsewhere': i % 3 ? 'no' : 'yes',
    'q_likely-return': String(i % 11),
    q_details: i % 2 ? '客服回复太慢了，等了三天才有人理我。' : 'Support took three days to answer and the price went up twice this year.',
    mayContact: i % 4 ? 'yes' : 'no',
  }).toString();
}
