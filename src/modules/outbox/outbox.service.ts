/**
 * Reading the outbox: the messages the app kept instead of sending them while no SMTP server is
 * configured, newest first, a page at a time and optionally of one category.
 */
import { isValidObjectId, type Connection } from 'mongoose';
import { NotFoundError } from '../../shared/errors';
import { outboxModel, type OutboxMessage } from '../../shared/mail';

export const outboxPageSize = 50;

export interface OutboxQuery {
  page: number;
  category?: string;
}

export interface OutboxPage {
  messages: Pick<OutboxMessage, '_id' | 'to' | 'subject' | 'category' | 'createdAt'>[];
  total: number;
  page: number;
  pages: number;
  /** Every category in the outbox, for the filter. */
  categories: string[];
}

export async function listOutbox(connection: Connection, query: OutboxQuery): Promise<OutboxPage> {
  const outbox = outboxModel(connection);
  const filter = query.category ? { category: query.category } : {};
  const [total, categories] = await Promise.all([outbox.countDocuments(filter), outbox.distinct('category')]);
  const pages = Math.max(1, Math.ceil(total / outboxPageSize));
  const page = Math.min(query.page, pages);
  const messages = await outbox
    .find(filter, { to: 1, subject: 1, category: 1, createdAt: 1 })
    .sort({ createdAt: -1, _id: -1 })
    .skip((page - 1) * outboxPageSize)
    .limit(outboxPageSize)
    .lean<OutboxPage['messages']>()
    .exec();
  return { messages, total, page, pages, categories: categories.map(String).sort() };
}

export async function getOutboxMessage(connection: Connection, id: string): Promise<OutboxMessage> {
  const message = isValidObjectId(id) ? await outboxModel(connection).findById(id).lean<OutboxMessage>().exec() : null;
  if (!message) throw new NotFoundError('Message not found.', { id });
  return message;
}
