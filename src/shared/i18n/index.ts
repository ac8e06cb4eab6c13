export { supportedLocales, defaultLocale, localeLabels, isLocale, intlLocaleOf, resolveLocale, localeFromAcceptLanguage, type Locale } from './locales';
export { translate, translatorFor, translationResources, commonNamespace, type Translate, type TranslationValues } from './translator';
export { selectLocale, languageLinks, languageCookie, type LanguageLink } from './locale-middleware';
