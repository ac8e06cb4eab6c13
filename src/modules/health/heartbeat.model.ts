/**
 * One document per worker process: when it last ran the `system.heartbeat` job. Operators read
 * it to see that jobs are really being processed, not just that processes are up.
 */
import { Schema, type Connection, type Model } from 'mongoose';

export interface Heartbeat {
  worker: string;
  beatAt: Date;
  beats: number;
}

const heartbeatSchema = new Schema<Heartbeat>(
  {
    worker: { type: String, required: true, unique: true },
    beatAt: { type: Date, required: true },
    beats: { type: Number, required: true, default: 0 },
  },
  { collection: 'heartbeats', versionKey: false },
);

export function heartbeatModel(connection: Connection): Model<Heartbeat> {
  return (connection.models.Heartbeat as Model<Heartbeat> | undefined) ?? connection.model<Heartbeat>('Heartbeat', heartbeatSchema);
}
