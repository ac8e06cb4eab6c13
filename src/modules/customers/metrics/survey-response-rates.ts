/**
 * Survey response rate per period = answered invitations / invitations delivered, for the
 * invitations whose first message went out in the period (a failed send was not delivered).
 */
import mongoose, { type Connection } from 'mongoose';
import { invitationModel } from '../../surveys/invitation.model';
import type { Period } from './churn-metrics';

export interface ResponseFigures {
  delivered: number;
  answered: number;
  /** Percent, two decimals; null when nothing was delivered. */
  rate: number | null;
}

export async function surveyResponseRates(connection: Connection, periods: readonly Period[]): Promise<ResponseFigures[]> {
  if (periods.length === 0) return [];
  const figures = periods.map(() => ({ delivered: 0, answered: 0 }));
  const sent = invitationModel(connection)
    .find({ sentAt: mongoose.trusted({ $gte: periods[0].start, $lt: periods[periods.length - 1].end }) }, { sentAt: 1, answeredAt: 1, status: 1 })
    .lean()
    .batchSize(1000)
    .cursor();
  for await (const invitation of sent) {
    if (invitation.status === 'failed' || !invitation.sentAt) continue;
    const index = periods.findIndex((period) => invitation.sentAt! >= period.start && invitation.sentAt! < period.end);
    if (index < 0) continue;
    figures[index].delivered++;
    if (invitation.answeredAt) figures[index].answered++;
  }
  return figures.map(({ delivered, answered }) => ({ delivered, answered, rate: delivered === 0 ? null : Math.round((10_000 * answered) / delivered) / 100 }));
}
