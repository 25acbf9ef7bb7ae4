import { GlobalOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** Marks a public project. Ant Design's green tag text is below WCAG AA contrast (3.5:1), the default tag's is not. */
export function PublicTag() {
  const { t } = useTranslation();
  return <Tag icon={<GlobalOutlined />}>{t('projects.public')}</Tag>;
}
