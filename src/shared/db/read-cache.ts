/**
 * A value read from the database, kept per connection for a short time instead of being read
 * on every request. It is read again when `ttlMs` has passed (changes made by other processes
 * show after at most that long) or as soon as this process writes to one of the collections it
 * depends on (counted by `countWrites`, so such changes show at once).
 *
 * Requests arriving together while the value is being read share that one read.
 */
import type { Connection } from 'mongoose';
import { writesTo } from './write-counter';

interface Entry<Value> {
  value: Promise<Value>;
  readAt: number;
  /** The write counts the value was read under. */
  writes: number;
}

export class ReadCache<Value> {
  private readonly entries = new WeakMap<Connection, Entry<Value>>();

  constructor(private readonly options: { ttlMs: number; dependsOn: readonly string[]; clock?: () => number }) {}

  get(connection: Connection, read: () => Promise<Value>): Promise<Value> {
    const now = (this.options.clock ?? Date.now)();
    const writes = this.writes();
    const entry = this.entries.get(connection);
    if (entry && entry.writes === writes && now - entry.readAt < this.options.ttlMs) return entry.value;
    const value = read();
    this.entries.set(connection, { value, readAt: now, writes });
    // A failed read is not kept: the next call tries again.
    value.catch(() => {
      if (this.entries.get(connection)?.value === value) this.entries.delete(connection);
    });
    return value;
  }

  private writes(): number {
    // Counts only grow, so their sum changes whenever any of them does.
    return this.options.dependsOn.reduce((sum, name) => sum + writesTo(name), 0);
  }
}
