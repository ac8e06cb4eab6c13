/**
 * A small typed in-process event bus: one module announces what happened ("customer.churned"),
 * others react (send the exit survey, notify a webhook) without the first knowing about them.
 *
 * Handlers run one after another, after the change is stored. A failing handler does not undo
 * the change or stop the other handlers: its error goes to the error reporter (stderr until the
 * process sets its logger with `reportErrorsTo`).
 */
export type EventHandler<Payload> = (payload: Payload) => void | Promise<void>;

export interface ErrorReporter {
  error(details: { err: unknown; event: string }, message: string): void;
}

export class EventBus<Events extends object> {
  private readonly handlers = new Map<keyof Events, Array<EventHandler<never>>>();
  private reporter: ErrorReporter = stderrReporter;

  /** Subscribes; returns a function that unsubscribes. */
  on<Name extends keyof Events>(name: Name, handler: EventHandler<Events[Name]>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as EventHandler<never>);
    this.handlers.set(name, list);
    return () => {
      const current = this.handlers.get(name) ?? [];
      this.handlers.set(
        name,
        current.filter((existing) => existing !== handler),
      );
    };
  }

  /** Runs every handler of `name`; resolves when all have finished, whether or not they failed. */
  async emit<Name extends keyof Events>(name: Name, payload: Events[Name]): Promise<void> {
    for (const handler of [...(this.handlers.get(name) ?? [])] as Array<EventHandler<Events[Name]>>) {
      try {
        await handler(payload);
      } catch (err) {
        this.reporter.error({ err, event: String(name) }, 'event handler failed');
      }
    }
  }

  reportErrorsTo(reporter: ErrorReporter): void {
    this.reporter = reporter;
  }
}

const stderrReporter: ErrorReporter = {
  error({ err, event }, message) {
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: message, event, err: err instanceof Error ? err.message : String(err) })}\n`);
  },
};
