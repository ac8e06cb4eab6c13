export { createMailer, type Mailer, type OutgoingMail, type SentMail } from './mailer';
export { MailDeliveryError } from './errors';
export { createEmailRenderer, type EmailRenderer, type RenderedEmail } from './render';
export { unsubscribeHeaders } from './headers';
export { outboxModel, type OutboxMessage } from './outbox.model';
export type { MailingDependencies } from './mailing';
