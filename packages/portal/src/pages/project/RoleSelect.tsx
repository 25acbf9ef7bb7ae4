import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { ROLES, type RoleId, type RoleName } from '../../api/members';

/**
 * Harbor's five project roles, by id. A required Form.Item's `aria-required` is dropped: Select would put it on its
 * wrapping element, where it is not allowed (axe-core: aria-allowed-attr), and a role is always chosen.
 */
export function RoleSelect({
  'aria-required': _required,
  ...props
}: {
  value?: RoleId;
  onChange?: (roleId: RoleId) => void;
  disabled?: boolean;
  id?: string;
  'aria-label'?: string;
  'aria-required'?: boolean | 'true' | 'false';
}) {
  const { t } = useTranslation();
  return (
    <Select<RoleId>
      {...props}
      style={{ minWidth: 160 }}
      options={(Object.keys(ROLES) as RoleName[]).map((role) => ({ value: ROLES[role], label: t(`roles.${role}`) }))}
    />
  );
}
