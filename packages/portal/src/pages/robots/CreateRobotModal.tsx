import { useMutation } from '@tanstack/react-query';
import { Checkbox, Form, Input, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { createRobot, type RobotScope } from '../../api/robots';
import { FormModal } from '../../components/FormModal';
import { accessOf, PERMISSION_NAMES, PERMISSIONS, PermissionChecks, type Permission } from './permission-checks';
import type { ShownSecret } from './RobotSecretModal';

interface Values {
  name: string;
  description?: string;
  never: boolean;
  days?: number;
  access: Permission[];
}

/** Harbor's robot name rule (the prefix `robot$…+` is added by the server). */
const ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function CreateRobotModal(props: {
  scope: RobotScope;
  open: boolean;
  onClose: () => void;
  onCreated: (secret: ShownSecret) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const never = Form.useWatch('never', form);
  const create = useMutation({
    mutationFn: (values: Values) =>
      createRobot(props.scope, {
        name: values.name,
        description: values.description ?? '',
        duration: values.never ? -1 : (values.days ?? 30),
        access: values.access.map(accessOf),
      }),
    onSuccess: async (created) => {
      props.onClose();
      await props.onCreated({ name: created.name ?? '', secret: created.secret ?? '' });
    },
  });
  return (
    <FormModal<Values>
      name="create-robot"
      form={form}
      open={props.open}
      title={props.scope.level === 'system' ? t('robots.createSystem') : t('robots.create')}
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
        label={t('robots.name')}
        extra={t('robots.nameRule')}
        rules={[
          { required: true, message: t('robots.nameRequired') },
          { pattern: ROBOT_NAME, message: t('robots.nameRule') },
        ]}
      >
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('robots.description')}>
        <Input />
      </Form.Item>
      <Form.Item name="never" valuePropName="checked" initialValue={false}>
        <Checkbox>{t('robots.neverExpires')}</Checkbox>
      </Form.Item>
      <Form.Item name="days" label={t('robots.days')} initialValue={30}>
        <InputNumber min={1} max={36500} disabled={never} />
      </Form.Item>
      <Form.Item
        name="access"
        label={t('robots.permissions')}
        extra={props.scope.level === 'system' ? t('robots.systemScope') : undefined}
        initialValue={['repository:pull']}
        rules={[{ required: true, type: 'array', min: 1, message: t('robots.permissionsRequired') }]}
      >
        <PermissionChecks
          label={t('robots.permissions')}
          options={PERMISSION_NAMES.map((permission) => ({
            value: permission,
            label: t(PERMISSIONS[permission]),
          }))}
        />
      </Form.Item>
    </FormModal>
  );
}
