import { createLogger } from '../../src/shared/logging';

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('createLogger', () => {
  it('when secrets are logged, then their values are redacted', () => {
    const { logger, lines } = captureLogger();

    logger.info(
      { password: 'pw1', user: { token: 'tok', email: 'a@example.com' }, req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } } },
      'signing in',
    );

    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/pw1|"tok"|Bearer abc|sid=1/);
    expect(lines[0]).toMatchObject({ msg: 'signing in', password: '[redacted]', user: { token: '[redacted]', email: 'a@example.com' } });
  });
});
