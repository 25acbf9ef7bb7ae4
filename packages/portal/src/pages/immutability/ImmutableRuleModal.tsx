import { useMutation } from '@tanstack/react-query';
import { Form, Input, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  createImmutableRule,
  formOf,
  ruleBody,
  updateImmutableRule,
  type ImmutableRuleForm,
} from '../../api/immutable';
import type { ImmutableRule } from '../../api/models';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';

const NEW_RULE: ImmutableRuleForm = {
  repoDecoration: 'repoMatches',
  repoPattern: '**',
  tagDecoration: 'matches',
  tagPattern: '',
};

/** Adds a rule to a project, or (given `rule`) changes one: which repositories, which tags. */
export function ImmutableRuleModal({
  project,
  open,
  rule,
  onClose,
  onSaved,
}: {
  project: string;
  open: boolean;
  rule?: ImmutableRule | undefined;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const initial = rule ? formOf(rule) : NEW_RULE;
  const save = useMutation({
    mutationFn: (values: ImmutableRuleForm) => {
      const form = { ...values, repoPattern: values.repoPattern.trim(), tagPattern: values.tagPattern.trim() };
      return rule
        ? updateImmutableRule(project, ruleBody(form, rule.disabled, rule.id))
        : createImmutableRule(project, form);
    },
    onSuccess: () => {
      feedback.success(rule ? t('immutability.updated') : t('immutability.created'));
      onSaved();
      onClose();
    },
  });
  const required = [{ required: true, whitespace: true, message: t('immutability.patternRequired') }];
  return (
    <FormModal<ImmutableRuleForm>
      name="immutable-rule"
      open={open}
      title={rule ? t('immutability.editTitle') : t('immutability.create')}
      pending={save.isPending}
      error={save.error}
      onCancel={() => {
        save.reset();
        onClose();
      }}
      onSubmit={(values) => save.mutate(values)}
    >
      <Space align="start" wrap>
        <Form.Item name="repoDecoration" label={t('immutability.repositories')} initialValue={initial.repoDecoration}>
          <Select
            style={{ width: 160 }}
            options={[
              { value: 'repoMatches', label: t('immutability.matching') },
              { value: 'repoExcludes', label: t('immutability.excluding') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="repoPattern"
          label={t('immutability.repositoryPattern')}
          initialValue={initial.repoPattern}
          rules={required}
        >
          <Input style={{ width: 240 }} />
        </Form.Item>
      </Space>
      <Space align="start" wrap>
        <Form.Item name="tagDecoration" label={t('immutability.tags')} initialValue={initial.tagDecoration}>
          <Select
            style={{ width: 160 }}
            options={[
              { value: 'matches', label: t('immutability.matching') },
              { value: 'excludes', label: t('immutability.excluding') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="tagPattern"
          label={t('immutability.tagPattern')}
          initialValue={initial.tagPattern}
          rules={required}
        >
          <Input style={{ width: 240 }} />
        </Form.Item>
      </Space>
      <p style={{ margin: 0 }}>{t('immutability.patternHelp')}</p>
    </FormModal>
  );
}
