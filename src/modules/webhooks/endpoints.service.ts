/**
 * Admins' webhook endpoints: register one (its URL passes the SSRF guard; its secret is made
 * and returned once), list and read them, enable and disable, rotate the secret, delete.
 * Every change is written to the audit log.
 */
import { Types, type Connection } from 'mongoose';
import { recordAudit } from '../../shared/audit/audit-log';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { newWebhookSecret } from './signature';
import { checkWebhookTarget, type HostResolver } from './target-guard';
import { webhookDeliveryModel } from './webhook-delivery.model';
import { webhookEndpointModel, type WebhookEndpoint } from './webhook-endpoint.model';
import { endpointFormSchema, targetProblemMessages } from './webhooks.schemas';

export interface Actor {
  id: string;
  name?: string;
}

/** How long receivers may still check signatures made with the secret before a rotation. */
export const previousSecretGraceMs = 24 * 60 * 60_000;

/** Registers an endpoint; the secret in the result is the only time it is shown. Refused input writes nothing. */
export async function registerEndpoint(
  connection: Connection,
  input: unknown,
  options: { actor: Actor; resolveHost?: HostResolver },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const parsed = endpointFormSchema.safeParse(input);
  const problems = parsed.success ? [] : ValidationError.fromZod(parsed.error).details;
  // The address is checked even when another field is wrong, so the form names every problem at once.
  const fields = (input ?? {}) as Record<string, unknown>;
  const url = endpointFormSchema.shape.url.safeParse(fields.url);
  if (url.success) {
    const allowPrivateNetwork = endpointFormSchema.shape.allowPrivateNetwork.parse(fields.allowPrivateNetwork);
    const target = await checkWebhookTarget(url.data, { allowPrivateNetwork, resolveHost: options.resolveHost });
    if (!target.ok) problems.push({ field: 'url', reason: targetProblemMessages[target.problem] });
  }
  if (!parsed.success || problems.length > 0) throw new ValidationError(problems);

  const secret = newWebhookSecret();
  const created = await webhookEndpointModel(connection).create({ ...parsed.data, secret, enabled: true, consecutiveFailures: 0, createdBy: options.actor.id });
  const { secret: _secret, ...endpoint } = created.toObject();
  await audit(connection, 'webhook.created', endpoint._id, options.actor, null, { url: endpoint.url, eventTypes: endpoint.eventTypes, allowPrivateNetwork: endpoint.allowPrivateNetwork });
  return { endpoint, secret };
}

/** Every endpoint, oldest first (without secrets). */
export async function listEndpoints(connection: Connection): Promise<WebhookEndpoint[]> {
  return webhookEndpointModel(connection).find({}).sort({ createdAt: 1, _id: 1 }).lean<WebhookEndpoint[]>().exec();
}

export async function getEndpoint(connection: Connection, id: string): Promise<WebhookEndpoint> {
  const endpoint = Types.ObjectId.isValid(id) ? await webhookEndpointModel(connection).findById(id).lean<WebhookEndpoint>().exec() : null;
  if (!endpoint) throw new NotFoundError('No webhook endpoint has this id.');
  return endpoint;
}

/** Enabling clears the failure count and the disabled notice; pending deliveries then go out. */
export async function setEndpointEnabled(connection: Connection, id: string, enabled: boolean, actor: Actor, now = new Date()): Promise<WebhookEndpoint> {
  const before = await getEndpoint(connection, id);
  const change = enabled
    ? { $set: { enabled: true, consecutiveFailures: 0 }, $unset: { disabledAt: 1, disabledReason: 1 } }
    : { $set: { enabled: false, disabledAt: now, disabledReason: 'admin' } };
  const after = await webhookEndpointModel(connection).findByIdAndUpdate(before._id, change, { returnDocument: 'after' }).lean<WebhookEndpoint>().exec();
  if (!after) throw new NotFoundError('No webhook endpoint has this id.');
  await audit(connection, enabled ? 'webhook.enabled' : 'webhook.disabled', before._id, actor, { enabled: before.enabled, disabledReason: before.disabledReason }, { enabled });
  return after;
}

/**
 * Makes a new secret and returns it (shown once). Deliveries are signed with both secrets for
 * a day, so receivers can switch without refusing anything in between.
 */
export async function rotateSecret(connection: Connection, id: string, actor: Actor, now = new Date()): Promise<string> {
  const current = Types.ObjectId.isValid(id) ? await webhookEndpointModel(connection).findById(id).select('+secret').lean<WebhookEndpoint>().exec() : null;
  if (!current) throw new NotFoundError('No webhook endpoint has this id.');
  const secret = newWebhookSecret();
  await webhookEndpointModel(connection).updateOne(
    { _id: current._id },
    { $set: { secret, previousSecret: current.secret, previousSecretUntil: new Date(now.getTime() + previousSecretGraceMs) } },
  );
  await audit(connection, 'webhook.secret_rotated', current._id, actor, null, null);
  return secret;
}

/** Deletes the endpoint and its delivery log; nothing more is sent to it. */
export async function deleteEndpoint(connection: Connection, id: string, actor: Actor): Promise<void> {
  const endpoint = await getEndpoint(connection, id);
  await webhookEndpointModel(connection).deleteOne({ _id: endpoint._id });
  await webhookDeliveryModel(connection).deleteMany({ endpointId: endpoint._id });
  await audit(connection, 'webhook.deleted', endpoint._id, actor, { url: endpoint.url, eventTypes: endpoint.eventTypes }, null);
}

// ---------------------------------------------------------------------------------------------

async function audit(connection: Connection, action: string, subjectId: Types.ObjectId, actor: Actor, before: unknown, after: unknown): Promise<void> {
  await recordAudit(connection, { action, subjectType: 'webhook_endpoint', subjectId, actorId: actor.id, actorName: actor.name, before, after });
}
