/**
 * One invitation of one customer to one survey, from scheduling to answer or expiry.
 *
 * The link token is random (256 bits) and only its SHA-256 hash is stored: every message
 * (invitation and each reminder) carries a fresh token, whose hash is added to `tokenHashes`.
 * Sending is claim-before-send: a dispatcher sets `claimedAt` atomically before it mails, so two
 * workers never send the same step; a claim older than the lease is presumed dead and retaken.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const invitationStatuses = ['scheduled', 'sent', 'answered', 'expired', 'suppressed', 'failed'] as const;
export type InvitationStatus = (typeof invitationStatuses)[number];

export interface Invitation {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  surveyKey: string;
  surveyVersion: number;
  status: InvitationStatus;
  locale: string;
  /** When the invitation e-mail is due. */
  sendAt: Date;
  /** Messages sent so far: 0 = none, 1 = the invitation, 2+ = reminders. */
  messagesSent: number;
  /** When the next message (invitation or reminder) is due; absent when none is left. */
  nextMessageAt?: Date;
  sentAt?: Date;
  lastMessageAt?: Date;
  expiresAt: Date;
  answeredAt?: Date;
  tokenHashes: string[];
  claimedAt?: Date;
  /** Transient failures of the current step; reset when a message goes out. */
  attempts: number;
  lastError?: string;
  /** Why nothing was sent (unsubscribed, no consent …) for `suppressed`. */
  reason?: string;
  /** `staff:<id>`, `churn-event`, `bulk`. */
  origin: string;
  createdAt: Date;
  updatedAt: Date;
}

const invitationSchema = new Schema<Invitation>(
  {
    customerId: { type: Schema.Types.ObjectId, required: true },
    surveyKey: { type: String, required: true },
    surveyVersion: { type: Number, required: true },
    status: { type: String, enum: invitationStatuses, required: true },
    locale: { type: String, required: true },
    sendAt: { type: Date, required: true },
    messagesSent: { type: Number, default: 0 },
    nextMessageAt: Date,
    sentAt: Date,
    lastMessageAt: Date,
    expiresAt: { type: Date, required: true },
    answeredAt: Date,
    tokenHashes: { type: [String], default: [] },
    claimedAt: Date,
    attempts: { type: Number, default: 0 },
    lastError: String,
    reason: String,
    origin: { type: String, required: true },
  },
  { collection: 'survey_invitations', timestamps: true, versionKey: false },
);

invitationSchema.index({ tokenHashes: 1 });
invitationSchema.index({ customerId: 1, createdAt: -1 });
// The dispatcher's query: open invitations whose next message is due.
invitationSchema.index({ nextMessageAt: 1 });
invitationSchema.index({ status: 1, expiresAt: 1 });
invitationSchema.index({ status: 1, sentAt: 1 });

export function invitationModel(connection: Connection): Model<Invitation> {
  return (connection.models.SurveyInvitation as Model<Invitation> | undefined) ?? connection.model<Invitation>('SurveyInvitation', invitationSchema);
}
