/**
 * Taking and reading the daily dashboard snapshot (snapshot.model.ts). The `dashboard.snapshot`
 * job takes one a day over the last 24 months; the dashboard reads today's when it covers the
 * period asked for, and scans customers otherwise (an older period, or no snapshot yet today).
 */
import mongoose, { type Connection } from 'mongoose';
import { periodsBetween, type Period } from '../customers/metrics/churn-metrics';
import { cellsOf, churnFiguresFromCells, loadHistories, type ChurnFigures, type CustomerFilter } from './churn-figures';
import { snapshotCellModel, snapshotRunModel, type SnapshotCell } from './snapshot.model';

export const snapshotMonths = 24;

export interface SnapshotSummary {
  takenOn: Date;
  cells: number;
  firstMonth: Date;
  lastMonth: Date;
}

/** Computes and stores a snapshot for `now`'s day; earlier runs and their cells are removed once it is complete. */
export async function takeSnapshot(connection: Connection, now: Date = new Date()): Promise<SnapshotSummary> {
  const takenOn = dayOf(now);
  const periods = periodsBetween('month', new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (snapshotMonths - 1), 1)), now);
  const cells = cellsOf(await loadHistories(connection, {}), periods);
  const runs = snapshotRunModel(connection);
  const run = new runs({ takenOn, takenAt: new Date(), firstMonth: periods[0].start, lastMonth: periods[periods.length - 1].start });
  const cellModel = snapshotCellModel(connection);
  for (let i = 0; i < cells.length; i += 1000) {
    await cellModel.insertMany(cells.slice(i, i + 1000).map((cell) => ({ ...cell, runId: run._id })), { ordered: false });
  }
  // The run is published last: a reader never sees a run whose cells are still being written.
  await run.save();
  const older = await runs.find({ _id: mongoose.trusted({ $ne: run._id }) }, { _id: 1 }).lean().exec();
  for (const { _id } of older) {
    await cellModel.deleteMany({ runId: _id }).exec();
    await runs.deleteOne({ _id }).exec();
  }
  return { takenOn, cells: cells.length, firstMonth: run.firstMonth, lastMonth: run.lastMonth };
}

/** The figures from today's latest snapshot and when it was taken, or null when there is none covering the periods. */
export async function snapshotChurnFigures(connection: Connection, periods: readonly Period[], filter: CustomerFilter, now: Date): Promise<{ figures: ChurnFigures; takenAt: Date } | null> {
  const run = await snapshotRunModel(connection).findOne({ takenOn: dayOf(now) }).sort({ takenAt: -1 }).lean().exec();
  if (!run || run.firstMonth > periods[0].start || run.lastMonth < periods[periods.length - 1].start) return null;
  const match: Record<string, unknown> = { runId: run._id, month: { $gte: periods[0].start, $lte: periods[periods.length - 1].start } };
  if (filter['value.tier']) match.tier = filter['value.tier'];
  if (filter.plan) match.plan = filter.plan;
  if (filter.locale) match.locale = filter.locale;
  // An aggregation's $match is not sanitized, so the range operators need no trusted() wrapper.
  const cells = await snapshotCellModel(connection).aggregate<SnapshotCell>([{ $match: match }]).exec();
  return { figures: churnFiguresFromCells(cells, periods), takenAt: run.takenAt };
}

/** Whether a snapshot taken on `now`'s day could cover the periods (it holds the last 24 months). */
export function snapshotCouldCover(periods: readonly Period[], now: Date): boolean {
  return periods[0].start >= new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (snapshotMonths - 1), 1));
}

function dayOf(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
