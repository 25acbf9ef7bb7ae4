import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { AutoComplete, Button, Card, Checkbox, Form, Input, InputNumber } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PersonalAccessTokenCreated } from '../../api/identity-models';
import { fuzzy } from '../../api/paging';
import { listProjects } from '../../api/projects';
import { createToken } from '../../api/tokens';
import { FormModal } from '../../components/FormModal';
import {
  accessOf,
  PERMISSION_NAMES,
  PERMISSIONS,
  PermissionChecks,
  type Permission,
} from '../robots/permission-checks';

interface Scope {
  project: string;
  access: Permission[];
}

interface Values {
  name: string;
  description?: string;
  never: boolean;
  days?: number;
  scopes: Scope[];
}

type AutoCompleteProps = Parameters<typeof AutoComplete>[0];

/** The project field with suggestions; `aria-required` goes on the text box (see AddMemberModal's user field). */
function ProjectField({
  'aria-required': required,
  'aria-label': label,
  ...props
}: AutoCompleteProps & { 'aria-required'?: boolean; 'aria-label'?: string }) {
  return (
    <AutoComplete {...props}>
      <Input aria-required={required} aria-label={label} />
    </AutoComplete>
  );
}

/**
 * Creates a personal access token for `userId`: a name, an expiry, and its scope: per project, what it may do there
 * (the robot permissions). The server refuses a scope wider than the user's own rights.
 */
export function CreateTokenModal(props: {
  userId: number;
  open: boolean;
  onClose: () => void;
  onCreated: (created: PersonalAccessTokenCreated) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const never = Form.useWatch('never', form);
  const [typed, setTyped] = useState('');
  const projects = useQuery({
    queryKey: ['project-names', typed],
    queryFn: () => listProjects({ page: 1, pageSize: 10, q: fuzzy('name', typed) }),
    enabled: props.open && typed.trim().length > 0,
  });
  const create = useMutation({
    mutationFn: (values: Values) =>
      createToken(props.userId, {
        name: values.name.trim(),
        ...(values.description?.trim() ? { description: values.description.trim() } : {}),
        duration: values.never ? -1 : (values.days ?? 30),
        permissions: values.scopes.map((scope) => ({
          kind: 'project',
          namespace: scope.project.trim(),
          access: scope.access.map(accessOf),
        })),
      }),
    onSuccess: async (created) => {
      props.onClose();
      await props.onCreated(created);
    },
  });
  const options = (projects.data?.items ?? []).map((p) => ({ value: p.name }));
  return (
    <FormModal<Values>
      name="create-token"
      form={form}
      open={props.open}
      title={t('tokens.create')}
      pending={create.isPending}
      error={create.error}
      onCancel={() => {
        create.reset();
        props.onClose();
      }}
      onSubmit={(values) => create.mutate(values)}
    >
      <Form.Item
        name="name"
        label={t('tokens.name')}
        rules={[{ required: true, whitespace: true, message: t('tokens.nameRequired') }]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('tokens.description')}>
        <Input />
      </Form.Item>
      <Form.Item name="never" valuePropName="checked" initialValue={false}>
        <Checkbox>{t('tokens.neverExpires')}</Checkbox>
      </Form.Item>
      <Form.Item name="days" label={t('tokens.days')} initialValue={30}>
        <InputNumber min={1} max={36500} disabled={never} />
      </Form.Item>
      <Form.List
        name="scopes"
        initialValue={[{ project: '', access: ['repository:pull'] }]}
        rules={[
          {
            validator: (_rule, scopes: Scope[] | undefined) =>
              scopes && scopes.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('tokens.scopeRequired'))),
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field, index) => (
              <Card
                key={field.key}
                size="small"
                title={t('tokens.scopeN', { n: index + 1 })}
                style={{ marginBottom: 12 }}
                extra={
                  <Button
                    size="small"
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('tokens.removeScopeN', { n: index + 1 })}
                    onClick={() => remove(field.name)}
                  />
                }
              >
                <Form.Item
                  name={[field.name, 'project']}
                  label={t('tokens.project')}
                  rules={[{ required: true, whitespace: true, message: t('tokens.projectRequired') }]}
                >
                  <ProjectField
                    aria-label={t('tokens.projectN', { n: index + 1 })}
                    onSearch={setTyped}
                    options={options}
                  />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'access']}
                  label={t('tokens.permissions')}
                  rules={[{ required: true, type: 'array', min: 1, message: t('robots.permissionsRequired') }]}
                >
                  <PermissionChecks
                    label={t('tokens.permissionsN', { n: index + 1 })}
                    options={PERMISSION_NAMES.map((permission) => ({
                      value: permission,
                      label: t(PERMISSIONS[permission]),
                    }))}
                  />
                </Form.Item>
              </Card>
            ))}
            <Form.ErrorList errors={errors} />
            <Button icon={<PlusOutlined />} onClick={() => add({ project: '', access: ['repository:pull'] })}>
              {t('tokens.addScope')}
            </Button>
          </>
        )}
      </Form.List>
    </FormModal>
  );
}
