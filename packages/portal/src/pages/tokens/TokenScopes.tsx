import { Flex, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TokenPermission } from '../../api/identity-models';
import { PERMISSIONS, type Permission } from '../robots/permission-checks';

function isKnown(permission: string): permission is Permission {
  return Object.hasOwn(PERMISSIONS, permission);
}

/** A token's scope, one line per project: the project and what the token may do there. */
export function TokenScopes({ permissions }: { permissions: readonly TokenPermission[] }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={4}>
      {permissions.map((p) => (
        <div key={`${p.kind}:${p.namespace}`}>
          <Tag color="blue">{p.namespace === '*' ? t('tokens.allProjects') : p.namespace}</Tag>
          {p.access
            .map(({ resource, action }) => {
              const permission = `${resource}:${action}`;
              return isKnown(permission) ? t(PERMISSIONS[permission]) : permission;
            })
            .join(', ')}
        </div>
      ))}
    </Flex>
  );
}
