import { Checkbox } from 'antd';

/** The permissions the portal offers robots and access tokens, as Harbor's `resource:action`, with their labels. */
export const PERMISSIONS = {
  'repository:pull': 'robots.access.repository.pull',
  'repository:push': 'robots.access.repository.push',
  'repository:list': 'robots.access.repository.list',
  'artifact:read': 'robots.access.artifact.read',
  'artifact:list': 'robots.access.artifact.list',
  'artifact:delete': 'robots.access.artifact.delete',
  'tag:create': 'robots.access.tag.create',
  'tag:delete': 'robots.access.tag.delete',
} as const;
export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function accessOf(permission: string): { resource: string; action: string } {
  const [resource = '', action = ''] = permission.split(':');
  return { resource, action };
}

type CheckboxGroupProps = Parameters<typeof Checkbox.Group>[0];

/**
 * The permission check boxes as one group named by `label`. A required Form.Item marks its control `aria-required`,
 * which a group of check boxes may not carry (axe-core: aria-allowed-attr); the rule is in the group's error message.
 */
export function PermissionChecks({
  label,
  'aria-required': _required,
  ...props
}: CheckboxGroupProps & { label: string; 'aria-required'?: boolean | 'true' | 'false' }) {
  return (
    <div role="group" aria-label={label}>
      <Checkbox.Group {...props} />
    </div>
  );
}
