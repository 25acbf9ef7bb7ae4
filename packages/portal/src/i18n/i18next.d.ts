import type en from './locales/en.json';

/** Translation keys are checked against the English locale: a `t('…')` with an unknown key does not compile. */
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
    returnNull: false;
  }
}
