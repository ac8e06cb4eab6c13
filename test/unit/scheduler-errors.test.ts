import { errorLogger } from '../../jobs/scheduler';
import { createLogger } from '../../src/shared/logging';

test('when the scheduler reports errors in a burst, then the first is logged, the rest are held back and counted on the next line after the quiet period', () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  let clock = 0;
  const report = errorLogger(logger, 30_000, () => clock);

  for (let i = 0; i < 50; i++) {
    report(new Error(`connection refused ${i}`));
    clock += 100;
  }
  clock = 30_001;
  report(new Error('connection refused again'));

  expect(lines.map((line) => line.msg)).toEqual(['job scheduler error', 'job scheduler error']);
  expect(lines[0]).toMatchObject({ err: { message: 'connection refused 0' } });
  expect(lines[0].similarErrorsHeldBack).toBeUndefined();
  expect(lines[1]).toMatchObject({ err: { message: 'connection refused again' }, similarErrorsHeldBack: 49 });
});
