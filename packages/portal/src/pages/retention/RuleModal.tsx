import { Checkbox, Form, Input, InputNumber, Select, Space } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { RETENTION_TEMPLATES } from '../../api/retention';
import { FormModal } from '../../components/FormModal';
import { DEFAULT_RULE_FORM, type RuleForm } from '../../lib/retention-rules';

export interface RuleModalProps {
  readonly open: boolean;
  /** The rule edited; a new rule when undefined. */
  readonly initial: RuleForm | undefined;
  readonly pending: boolean;
  readonly error: unknown;
  readonly onCancel: () => void;
  readonly onSubmit: (form: RuleForm) => void;
}

/** Adds or edits one retention rule: repositories, tags (with untagged artifacts), labels, what to retain. */
export function RuleModal(props: RuleModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RuleForm>();
  const template = Form.useWatch('template', form) ?? DEFAULT_RULE_FORM.template;
  const labelDecoration = Form.useWatch('labelDecoration', form) ?? 'none';
  const unit = RETENTION_TEMPLATES.find((x) => x.template === template)?.unit;
  useEffect(() => {
    if (props.open) form.setFieldsValue(props.initial ?? DEFAULT_RULE_FORM);
  }, [props.open, props.initial, form]);
  return (
    <FormModal<RuleForm>
      name="retentionRule"
      form={form}
      open={props.open}
      title={props.initial ? t('retention.editRule') : t('retention.addRule')}
      okText={t('common.save')}
      pending={props.pending}
      error={props.error}
      onCancel={props.onCancel}
      onSubmit={(values) => props.onSubmit({ ...DEFAULT_RULE_FORM, ...values })}
    >
      <Form.Item label={t('retention.fields.repositories')} required>
        <Space.Compact block>
          <Form.Item name="repoDecoration" noStyle>
            <Select
              aria-label={t('retention.fields.repoDecoration')}
              style={{ width: 160 }}
              options={[
                { value: 'repoMatches', label: t('retention.fields.matching') },
                { value: 'repoExcludes', label: t('retention.fields.excluding') },
              ]}
            />
          </Form.Item>
          <Form.Item name="repoPattern" noStyle rules={[{ required: true, whitespace: true }]}>
            <Input aria-label={t('retention.fields.repoPattern')} placeholder="**" />
          </Form.Item>
        </Space.Compact>
      </Form.Item>
      <Form.Item label={t('retention.fields.tags')} required extra={t('retention.fields.patternHelp')}>
        <Space.Compact block>
          <Form.Item name="tagDecoration" noStyle>
            <Select
              aria-label={t('retention.fields.tagDecoration')}
              style={{ width: 160 }}
              options={[
                { value: 'matches', label: t('retention.fields.matching') },
                { value: 'excludes', label: t('retention.fields.excluding') },
              ]}
            />
          </Form.Item>
          <Form.Item name="tagPattern" noStyle rules={[{ required: true, whitespace: true }]}>
            <Input aria-label={t('retention.fields.tagPattern')} placeholder="**" />
          </Form.Item>
        </Space.Compact>
      </Form.Item>
      <Form.Item name="untagged" valuePropName="checked">
        <Checkbox>{t('retention.fields.untagged')}</Checkbox>
      </Form.Item>
      <Form.Item label={t('retention.fields.labels')}>
        <Space.Compact block>
          <Form.Item name="labelDecoration" noStyle>
            <Select
              aria-label={t('retention.fields.labelDecoration')}
              style={{ width: 200 }}
              options={[
                { value: 'none', label: t('retention.fields.anyLabels') },
                { value: 'withLabels', label: t('retention.fields.withLabels') },
                { value: 'withoutLabels', label: t('retention.fields.withoutLabels') },
              ]}
            />
          </Form.Item>
          <Form.Item name="labels" noStyle>
            <Input
              aria-label={t('retention.fields.labelNames')}
              placeholder={t('retention.fields.labelNames')}
              disabled={labelDecoration === 'none'}
            />
          </Form.Item>
        </Space.Compact>
      </Form.Item>
      {/* Always set (a default is given): no required rule, whose aria-required Ant Design puts on the Select's
          wrapper, where it is not allowed. */}
      <Form.Item name="template" label={t('retention.fields.template')}>
        <Select
          options={RETENTION_TEMPLATES.map((x) => ({
            value: x.template,
            label: t(`retention.templateOptions.${x.template}`),
          }))}
        />
      </Form.Item>
      {unit ? (
        <Form.Item
          name="param"
          label={unit === 'DAYS' ? t('retention.fields.days') : t('retention.fields.count')}
          rules={[{ required: true, type: 'integer', min: 0, max: unit === 'DAYS' ? 20190904 : 32766 }]}
        >
          <InputNumber min={0} precision={0} style={{ width: 160 }} />
        </Form.Item>
      ) : null}
    </FormModal>
  );
}
