/**
 * What the new-endpoint form accepts. Messages are translation keys, shown beside the field.
 * The URL's address is checked against the SSRF guard by the service, after this.
 */
import { z } from 'zod';
import { webhookEventTypes } from './event-types';
import { urlProblem, type TargetProblem } from './target-guard';

const required = 'common:validation.required';

/** The translation key for each reason a URL is refused. */
export const targetProblemMessages: Record<TargetProblem, string> = {
  'invalid-url': 'webhooks:validation.invalidUrl',
  scheme: 'webhooks:validation.scheme',
  credentials: 'webhooks:validation.credentials',
  unresolvable: 'webhooks:validation.unresolvable',
  'private-address': 'webhooks:validation.privateAddress',
};

/** A checkbox sends "on" when ticked and nothing otherwise. */
const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

export const endpointFormSchema = z.object({
  url: z
    .string({ error: required })
    .trim()
    .min(1, required)
    .max(2000, 'common:validation.tooLong')
    .superRefine((url, context) => {
      const problem = urlProblem(url);
      if (problem) context.addIssue({ code: 'custom', message: targetProblemMessages[problem] });
    }),
  description: z
    .string()
    .trim()
    .max(200, 'common:validation.tooLong')
    .optional()
    .transform((text) => text || undefined),
  eventTypes: z.preprocess(
    (value) => (value === undefined || value === '' ? [] : [value].flat()),
    z.array(z.enum(webhookEventTypes, { error: 'common:validation.choice' })).min(1, 'webhooks:validation.events'),
  ),
  allowPrivateNetwork: checkbox,
});

export type EndpointInput = z.output<typeof endpointFormSchema>;
