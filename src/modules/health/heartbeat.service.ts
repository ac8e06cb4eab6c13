/**
 * Records and reads worker heartbeats (see heartbeat.model.ts).
 */
import type { Connection } from 'mongoose';
import { heartbeatModel, type Heartbeat } from './heartbeat.model';

/** Notes that `worker` is alive and processing jobs at `at`. */
export async function recordHeartbeat(connection: Connection, worker: string, at: Date = new Date()): Promise<void> {
  await heartbeatModel(connection).updateOne({ worker }, { $set: { beatAt: at }, $inc: { beats: 1 } }, { upsert: true });
}

/** The heartbeat of one worker, or null. */
export async function heartbeatOf(connection: Connection, worker: string): Promise<Heartbeat | null> {
  return heartbeatModel(connection).findOne({ worker }, { _id: 0 }).lean<Heartbeat>().exec();
}
