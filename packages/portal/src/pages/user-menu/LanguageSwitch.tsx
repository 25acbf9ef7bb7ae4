import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage } from '../../i18n/i18n';
import { LANGUAGES, type Language } from '../../i18n/language';

/** Each language is named in itself, so it can be found whatever the current language is. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

/** A language picker for pages without the user menu (the sign-in page). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select<Language>
      value={i18n.language as Language}
      onChange={(language) => void changeLanguage(language)}
      options={LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }))}
      suffixIcon={<GlobalOutlined />}
      aria-label={t('userMenu.language')}
      style={{ width: 140 }}
    />
  );
}
