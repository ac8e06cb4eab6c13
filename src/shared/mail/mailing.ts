import type { Connection } from 'mongoose';
import type { Logger } from '../logging';
import type { Mailer } from './mailer';
import type { EmailRenderer } from './render';

/** What a module that writes to customers needs (survey dispatch, campaign sends). */
export interface MailingDependencies {
  connection: Connection;
  mailer: Mailer;
  renderer: EmailRenderer;
  /** Public address of the app, for the links in messages. */
  baseUrl: string;
  logger: Logger;
}
