import { create } from 'express-handlebars';
import { languageLinks, localeFromAcceptLanguage, resolveLocale, supportedLocales, translate, translationResources } from '../../src/shared/i18n';
import { helpers } from '../../src/shared/views/helpers';

const { handlebars } = create();

function render(template: string, context: Record<string, unknown> = {}): string {
  return handlebars.compile(template, {})(context, { helpers });
}

describe('choosing the language of a request', () => {
  it('when ?lang= names a supported language, then it wins over everything else', () => {
    expect(resolveLocale({ requested: 'zh-CN', remembered: 'en', preferred: 'en', acceptLanguage: 'en' })).toBe('zh-CN');
  });

  it('when ?lang= is unknown, then the remembered choice is used', () => {
    expect(resolveLocale({ requested: 'fr', remembered: 'zh-CN', acceptLanguage: 'en' })).toBe('zh-CN');
  });

  it('when nothing was chosen, then the signed-in user\'s preference is used before the browser\'s', () => {
    expect(resolveLocale({ preferred: 'zh-CN', acceptLanguage: 'en-US,en;q=0.9' })).toBe('zh-CN');
  });

  it('when only the browser says, then Accept-Language decides by quality', () => {
    expect(resolveLocale({ acceptLanguage: 'fr-FR, en;q=0.5, zh-TW;q=0.8' })).toBe('zh-CN');
    expect(resolveLocale({ acceptLanguage: 'de, en-GB;q=0.7' })).toBe('en');
  });

  it('when nothing usable is given, then English is used', () => {
    expect(resolveLocale({})).toBe('en');
    expect(resolveLocale({ requested: ['zh-CN'], acceptLanguage: 'fr, de;q=0.9, zh;q=0' })).toBe('en');
    expect(localeFromAcceptLanguage(';;q=abc,,')).toBeUndefined();
  });

  it('when language links are built, then the current address keeps its other parameters', () => {
    const links = languageLinks('/admin/users?page=2&lang=en', 'en');

    expect(links).toEqual([
      { code: 'en', label: 'English', href: '/admin/users?page=2&lang=en', current: true },
      { code: 'zh-CN', label: '中文', href: '/admin/users?page=2&lang=zh-CN', current: false },
    ]);
  });
});

describe('the t helper and translations', () => {
  it('when a key is translated, then the page language is used', () => {
    expect(render('{{t "common:nav.signOut"}}', { locale: 'zh-CN' })).toBe('退出登录');
    expect(render('{{t "common:nav.signOut"}}', { locale: 'en' })).toBe('Sign out');
  });

  it('when no language is in the context, then English is used', () => {
    expect(render('{{t "common:nav.signOut"}}')).toBe('Sign out');
  });

  it('when a value is interpolated, then it is escaped exactly once', () => {
    expect(render('{{t "common:greeting" name=user.name}}', { locale: 'en', user: { name: '<b>Ada & Co</b>' } })).toBe(
      'Hello, &lt;b&gt;Ada &amp; Co&lt;/b&gt;',
    );
  });

  it('when a namespace is omitted, then common is used', () => {
    expect(translate('zh-CN', 'nav.home')).toBe('首页');
  });

  it('when a key is missing, then the key itself is shown rather than nothing', () => {
    expect(translate('en', 'common:no.such.key')).toBe('no.such.key');
  });

  it('when the languages are compared, then every key in English exists in every other language, and the reverse', () => {
    const resources = translationResources();
    const keysOf = (locale: string) =>
      Object.entries(resources[locale] ?? {}).flatMap(([namespace, strings]) => flatKeys(strings as Record<string, unknown>).map((key) => `${namespace}:${key}`)).sort();

    const english = keysOf('en');
    expect(english.length).toBeGreaterThan(0);
    for (const locale of supportedLocales) expect(keysOf(locale)).toEqual(english);
  });
});

describe('number and date formatting', () => {
  it('when a number is formatted, then it follows the page language', () => {
    expect(render('{{formatNumber n}}', { locale: 'en', n: 1234567.891 })).toBe('1,234,567.891');
    expect(render('{{formatNumber n style="percent" maximumFractionDigits=1}}', { locale: 'zh-CN', n: 0.256 })).toBe('25.6%');
    expect(render('{{formatNumber n style="currency" currency="CNY"}}', { locale: 'zh-CN', n: 12.5 })).toBe('¥12.50');
  });

  it('when a value is not a number, then nothing is shown', () => {
    expect(render('[{{formatNumber n}}]', { n: 'abc' })).toBe('[]');
    expect(render('[{{formatNumber n}}]', {})).toBe('[]');
  });

  it('when a date is shown on a Chinese page, then it reads the Chinese way', () => {
    expect(render('{{formatDate at}}', { locale: 'zh-CN', at: new Date('2025-11-22T10:00:00Z') })).toBe('2025年11月22日');
  });

  it('when a moment is shown, then date and time are given in UTC and say so', () => {
    expect(render('{{formatDateTime at}}', { locale: 'en', at: new Date('2025-11-22T14:05:00Z') })).toBe('22 Nov 2025, 14:05 UTC');
    expect(render('[{{formatDateTime at}}]', { at: 'never' })).toBe('[]');
  });
});

function flatKeys(strings: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(strings).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' ? flatKeys(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
