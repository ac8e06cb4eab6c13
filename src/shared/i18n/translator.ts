/**
 * Translations with i18next, loaded synchronously from JSON files the first time they are
 * needed (no network, no back-end plugin). One namespace per module:
 *
 *   src/shared/i18n/locales/{en,zh-CN}.json          → namespace `common`
 *   src/modules/<module>/locales/{en,zh-CN}.json     → namespace `<module>`
 *
 * Keys are written `namespace:key`, e.g. `accounts:login.title`; without a namespace,
 * `common` is used. A key missing in zh-CN falls back to English.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { projectRoot } from '../paths';
import { defaultLocale, supportedLocales, type Locale } from './locales';

/** Values for `{{name}}`-style placeholders; `count` selects a plural form. */
export type TranslationValues = Record<string, unknown>;
export type Translate = (key: string, values?: TranslationValues) => string;

export const commonNamespace = 'common';

/** The text for `key` in `locale`. */
export function translate(locale: Locale, key: string, values?: TranslationValues): string {
  return translatorFor(locale)(key, values);
}

/** A translate function bound to one language (cached per language). */
export function translatorFor(locale: Locale): Translate {
  let bound = translators.get(locale);
  if (!bound) {
    const fixed = instance().getFixedT(locale);
    bound = (key, values) => String(fixed(key, values ?? {}));
    translators.set(locale, bound);
  }
  return bound;
}

/** Every loaded string, by language and namespace (used to check that the languages match). */
export function translationResources(): Resource {
  return loadResources();
}

// ---------------------------------------------------------------------------------------------

const translators = new Map<Locale, Translate>();
let i18n: I18n | undefined;
let resources: Resource | undefined;

function instance(): I18n {
  if (!i18n) {
    const loaded = loadResources();
    const namespaces = Object.keys(loaded[defaultLocale] ?? {});
    i18n = i18next.createInstance();
    // With resources in memory and initAsync off, init completes before it returns.
    void i18n.init({
      initAsync: false,
      resources: loaded,
      lng: defaultLocale,
      fallbackLng: defaultLocale,
      supportedLngs: [...supportedLocales],
      ns: namespaces,
      defaultNS: commonNamespace,
      // Handlebars escapes the whole translated text once; escaping here too would double it.
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }
  return i18n;
}

function loadResources(): Resource {
  if (resources) return resources;
  const loaded: Resource = {};
  for (const locale of supportedLocales) loaded[locale] = {};

  addNamespace(loaded, commonNamespace, path.join(projectRoot, 'src/shared/i18n/locales'));
  const modulesDir = path.join(projectRoot, 'src/modules');
  for (const entry of readdirSync(modulesDir, { withFileTypes: true })) {
    if (entry.isDirectory()) addNamespace(loaded, entry.name, path.join(modulesDir, entry.name, 'locales'));
  }
  resources = loaded;
  return loaded;
}

function addNamespace(target: Resource, namespace: string, dir: string): void {
  for (const locale of supportedLocales) {
    const file = path.join(dir, `${locale}.json`);
    if (!existsSync(file)) continue;
    try {
      target[locale][namespace] = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`Translation file ${path.relative(projectRoot, file)} is not valid JSON: ${(error as Error).message}`);
    }
  }
}
