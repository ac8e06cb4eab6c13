/**
 * The survey list for staff: the current version of each survey with how it is doing — the
 * responses received over all its versions, and the response rate (answered invitations ÷
 * invitations whose first message went out; a send that failed reached no one).
 */
import { trusted, type Connection } from 'mongoose';
import { invitationModel } from './invitation.model';
import { responseModel } from './response.model';
import type { Survey } from './survey.model';
import { listSurveys } from './surveys.service';

export interface SurveyOverview {
  survey: Survey;
  responses: number;
  invitationsSent: number;
  answered: number;
  /** Percent, one decimal; null when no invitation has gone out yet. */
  responseRate: number | null;
}

export async function surveyOverviews(connection: Connection): Promise<SurveyOverview[]> {
  const surveys = await listSurveys(connection);
  return Promise.all(surveys.map((survey) => overviewOf(connection, survey)));
}

async function overviewOf(connection: Connection, survey: Survey): Promise<SurveyOverview> {
  const invitations = invitationModel(connection);
  const delivered = { surveyKey: survey.key, sentAt: trusted({ $exists: true }), status: trusted({ $ne: 'failed' as const }) };
  const [responses, invitationsSent, answered] = await Promise.all([
    responseModel(connection).countDocuments({ surveyKey: survey.key }),
    invitations.countDocuments(delivered),
    invitations.countDocuments({ ...delivered, answeredAt: trusted({ $exists: true }) }),
  ]);
  const responseRate = invitationsSent === 0 ? null : Math.round((1000 * answered) / invitationsSent) / 10;
  return { survey, responses, invitationsSent, answered, responseRate };
}
