import { useMutation } from '@tanstack/react-query';
import { Checkbox, Form, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Quota } from '../../api/models';
import { setQuotaLimit } from '../../api/quotas';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';
import { bytesOf, limitInUnits, QUOTA_UNITS, type QuotaUnit } from './quota-units';

interface Values {
  unlimited: boolean;
  amount?: number;
  unit: QuotaUnit;
}

/** Changes a project's storage limit: an amount in MiB, GiB or TiB, or no limit. */
export function EditQuotaModal({
  quota,
  onClose,
  onSaved,
}: {
  quota: Quota | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const [form] = Form.useForm<Values>();
  const hard = quota?.hard.storage ?? -1;
  const initial: Values = hard < 0 ? { unlimited: true, unit: 'GiB' } : { unlimited: false, ...limitInUnits(hard) };
  const save = useMutation({
    mutationFn: (values: Values) =>
      setQuotaLimit(quota?.id ?? 0, values.unlimited ? -1 : bytesOf(values.amount ?? 0, values.unit)),
    onSuccess: () => {
      feedback.success(t('quotas.saved', { name: quota?.ref.name }));
      onSaved();
      onClose();
    },
  });
  // Until the form has its values, the field's initial value.
  const unlimited = (Form.useWatch('unlimited', form) as boolean | undefined) ?? initial.unlimited;
  return (
    <FormModal<Values>
      name="quota"
      form={form}
      open={quota !== undefined}
      title={t('quotas.editTitle', { name: quota?.ref.name })}
      pending={save.isPending}
      error={save.error}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      onSubmit={(values) => save.mutate(values)}
    >
      <Form.Item name="unlimited" valuePropName="checked" initialValue={initial.unlimited}>
        <Checkbox>{t('quotas.unlimitedOption')}</Checkbox>
      </Form.Item>
      {unlimited ? null : (
        <Space align="start">
          <Form.Item
            name="amount"
            label={t('quotas.limit')}
            initialValue={initial.amount}
            rules={[{ required: true, message: t('quotas.limitRequired') }]}
          >
            <InputNumber min={0.01} max={1024 ** 2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="unit" label={t('quotas.unit')} initialValue={initial.unit}>
            <Select
              style={{ width: 100 }}
              options={(Object.keys(QUOTA_UNITS) as QuotaUnit[]).map((unit) => ({ value: unit, label: unit }))}
            />
          </Form.Item>
        </Space>
      )}
    </FormModal>
  );
}
