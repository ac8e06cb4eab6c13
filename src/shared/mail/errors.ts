/**
 * A message that could not be handed over. `permanent` failures (the server refused the
 * recipient or the message: SMTP 5xx) must not be retried; transient ones (4xx, connection
 * refused, timeouts) are retried with backoff by the job that sends.
 */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';

  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
  }

  static from(error: unknown): MailDeliveryError {
    if (error instanceof MailDeliveryError) return error;
    const details = error as { message?: string; responseCode?: number; code?: string };
    const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined;
    const permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
    const reason = details.message ?? String(error);
    return new MailDeliveryError(responseCode ? `SMTP ${responseCode}: ${reason}` : reason, permanent, responseCode);
  }
}
