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
    /**
     * True when the connection broke while the message itself was being handed over (or it is
     * unknown when): the server may have accepted it. Resending could deliver it twice.
     */
    readonly ambiguous = false,
  ) {
    super(message);
  }

  /**
   * `messageWritten`, when the sender knows it, says whether the message content reached the
   * connection; otherwise the SMTP stage nodemailer names decides (it cannot tell a timeout
   * after the message's last byte from one before the greeting).
   */
  static from(error: unknown, context: { messageWritten?: boolean } = {}): MailDeliveryError {
    if (error instanceof MailDeliveryError) return error;
    const details = error as { message?: string; responseCode?: number; code?: string; command?: string };
    const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined;
    const permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
    const reason = details.message ?? String(error);
    const ambiguous = responseCode === undefined && (context.messageWritten ?? !beforeMessage.has(String(details.command ?? '').toUpperCase()));
    return new MailDeliveryError(responseCode ? `SMTP ${responseCode}: ${reason}` : reason, permanent, responseCode, ambiguous);
  }
}

/** SMTP stages before the message data: a failure there means nothing was handed over. */
const beforeMessage = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH XOAUTH2', 'AUTH CRAM-MD5', 'MAIL FROM', 'RCPT TO']);
