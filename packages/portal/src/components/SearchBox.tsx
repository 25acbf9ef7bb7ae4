import { Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** The search field of a list; searching happens on the server, on Enter or the button. */
export function SearchBox({
  value,
  onSearch,
  label,
}: {
  value: string;
  onSearch: (text: string) => void;
  label: string;
}) {
  const { t } = useTranslation();
  return (
    <Input.Search
      key={value}
      defaultValue={value}
      placeholder={t('common.search')}
      aria-label={label}
      allowClear
      onSearch={onSearch}
      style={{ width: 280 }}
    />
  );
}
