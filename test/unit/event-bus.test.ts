import { EventBus } from '../../src/shared/events/event-bus';

interface TestEvents {
  'thing.happened': { id: number };
}

describe('the event bus', () => {
  it('when an event is emitted, then every handler gets it in subscription order, and an unsubscribed one does not', async () => {
    const bus = new EventBus<TestEvents>();
    const seen: string[] = [];
    bus.on('thing.happened', ({ id }) => void seen.push(`first ${id}`));
    const off = bus.on('thing.happened', ({ id }) => void seen.push(`gone ${id}`));
    bus.on('thing.happened', async ({ id }) => void seen.push(`second ${id}`));
    off();

    await bus.emit('thing.happened', { id: 7 });

    expect(seen).toEqual(['first 7', 'second 7']);
  });

  it('when a handler fails, then the others still run and the failure goes to the reporter', async () => {
    const bus = new EventBus<TestEvents>();
    const reported: Array<{ event: string; message: string }> = [];
    bus.reportErrorsTo({ error: ({ err, event }) => void reported.push({ event, message: (err as Error).message }) });
    const seen: number[] = [];
    bus.on('thing.happened', () => {
      throw new Error('boom');
    });
    bus.on('thing.happened', ({ id }) => void seen.push(id));

    await bus.emit('thing.happened', { id: 1 });

    expect(seen).toEqual([1]);
    expect(reported).toEqual([{ event: 'thing.happened', message: 'boom' }]);
  });
});
