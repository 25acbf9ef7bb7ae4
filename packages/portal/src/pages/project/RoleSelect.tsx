import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { ROLES, type RoleName } from '../../api/members';

/** Harbor's five project roles, by id. */
export function RoleSelect(props: {
  value?: number;
  onChange?: (roleId: number) => void;
  disabled?: boolean;
  id?: string;
  'aria-label'?: string;
}) {
  const { t } = useTranslation();
  return (
    <Select<number>
      {...props}
      style={{ minWidth: 160 }}
      options={(Object.keys(ROLES) as RoleName[]).map((role) => ({ value: ROLES[role], label: t(`roles.${role}`) }))}
    />
  );
}
