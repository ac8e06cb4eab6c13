import { localPathOr } from '../../../src/shared/http/safe-redirect';

describe('where to go after signing in', () => {
  it('when returnTo is a path on this site, then it is kept with its query', () => {
    expect(localPathOr('/admin/users?page=2#top', '/')).toBe('/admin/users?page=2#top');
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative address', '//evil.example/path'],
    ['a backslash trick', '/\\evil.example'],
    ['a tab hiding a second slash', '/\t/evil.example'],
    ['a javascript: address', 'javascript:alert(1)'],
    ['a relative path', 'admin/users'],
    ['nothing', undefined],
    ['a list of values', ['/a', '/b']],
  ])('when returnTo is %s, then the fallback is used', (_what, candidate) => {
    expect(localPathOr(candidate, '/')).toBe('/');
  });
});
