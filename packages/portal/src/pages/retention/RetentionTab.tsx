import { DeleteOutlined, EditOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Flex, Input, List, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Project } from '../../api/models';
import {
  MAX_RETENTION_RULES,
  createRetention,
  getRetention,
  newPolicy,
  runRetention,
  updateRetention,
  type RetentionRule,
} from '../../api/retention';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFeedback } from '../../hooks/use-feedback';
import { formOf, paramOf, ruleOf, type RuleForm } from '../../lib/retention-rules';
import { ExecutionsPanel } from './ExecutionsPanel';
import { RuleModal } from './RuleModal';

/** A rule in words: what it retains, of which repositories and tags. */
function RuleSummary({ rule }: { rule: RetentionRule }) {
  const { t } = useTranslation();
  const form = formOf(rule);
  const parts = [
    t(`retention.repoSelector.${form.repoDecoration}`, { pattern: form.repoPattern }),
    t(`retention.tagSelector.${form.tagDecoration}`, { pattern: form.tagPattern }),
    form.untagged ? t('retention.untaggedIncluded') : t('retention.untaggedExcluded'),
  ];
  if (form.labelDecoration !== 'none')
    parts.push(t(`retention.labelSelector.${form.labelDecoration}`, { labels: form.labels }));
  return (
    <List.Item.Meta
      title={
        <Space>
          {t(`retention.templates.${rule.template}`, { n: paramOf(rule) })}
          {rule.disabled ? <Tag>{t('retention.disabled')}</Tag> : null}
        </Space>
      }
      description={parts.join(' · ')}
    />
  );
}

/** Every day at midnight (UTC), seconds first. */
const CRON_EXAMPLE = '0 0 0 * * *';

/** The policy's schedule: a six-field cron, or empty for manual runs only. */
function ScheduleCard({ initial, onSave }: { initial: string; onSave: (cron: string) => void }) {
  const { t } = useTranslation();
  const [cron, setCron] = useState(initial);
  return (
    <Card title={t('retention.scheduleTitle')}>
      <Flex gap={8} wrap align="center">
        <Input
          aria-label={t('retention.cron')}
          placeholder={CRON_EXAMPLE}
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          style={{ maxWidth: 280 }}
        />
        <Button onClick={() => onSave(cron.trim())}>{t('retention.saveSchedule')}</Button>
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('retention.cronHelp')}
      </Typography.Paragraph>
    </Card>
  );
}

/**
 * The project's tag retention (Harbor's "Policy" tab): its rules in words, added, edited, disabled or deleted in a
 * dialog; the schedule (a six-field cron); "Dry run" and "Run now"; and the runs with their repositories and logs.
 * The policy is created with its first rule and found through the project metadata `retention_id`.
 */
export function RetentionTab({ project }: { project: Project }) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const name = project.name ?? '';
  const policyId = Number(project.metadata?.retention_id ?? 0) || undefined;
  const policy = useQuery({
    queryKey: ['retention', policyId, 'policy'],
    queryFn: () => getRetention(policyId ?? 0),
    enabled: policyId !== undefined,
  });
  const [editing, setEditing] = useState<{ index: number | undefined } | undefined>();
  const rules = useMemo(() => policy.data?.rules ?? [], [policy.data]);
  const initial = useMemo(() => {
    const rule = editing?.index === undefined ? undefined : rules[editing.index];
    return rule && formOf(rule);
  }, [editing, rules]);

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['project', name] });
    await queryClient.invalidateQueries({ queryKey: ['retention'] });
  };
  /** Saves the policy with these rules and schedule, creating it when the project has none. */
  const save = useMutation({
    mutationFn: async (change: { rules: RetentionRule[]; cron: string; message: string }) => {
      const next = newPolicy(project.project_id ?? 0, change.rules, change.cron);
      if (policy.data) await updateRetention({ ...policy.data, ...next, id: policy.data.id });
      else await createRetention(next);
      return change.message;
    },
    onSuccess: async (message) => {
      feedback.success(message);
      setEditing(undefined);
      await refresh();
    },
    onError: feedback.failure,
  });
  const run = useMutation({
    mutationFn: (dryRun: boolean) => runRetention(policyId ?? 0, dryRun).then(() => dryRun),
    onSuccess: async (dryRun) => {
      feedback.success(dryRun ? t('retention.dryRunStarted') : t('retention.runStarted'));
      await queryClient.invalidateQueries({ queryKey: ['retention', policyId] });
    },
    onError: feedback.failure,
  });

  const currentCron = policy.data?.trigger.settings.cron ?? '';
  const withRules = (next: RetentionRule[], message: string) =>
    save.mutate({ rules: next, cron: currentCron, message });
  const submitRule = (form: RuleForm) => {
    const index = editing?.index;
    const next =
      index === undefined ? [...rules, ruleOf(form)] : rules.map((r, i) => (i === index ? ruleOf(form, r) : r));
    withRules(next, t('retention.ruleSaved'));
  };

  if (policyId !== undefined && policy.isPending) return null;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <ErrorAlert error={policy.error} />
      <Card
        title={t('retention.rulesTitle', { count: rules.length, max: MAX_RETENTION_RULES })}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            disabled={rules.length >= MAX_RETENTION_RULES}
            onClick={() => setEditing({ index: undefined })}
          >
            {t('retention.addRule')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('retention.explanation')}</Typography.Paragraph>
        <List<RetentionRule>
          dataSource={rules}
          locale={{ emptyText: t('retention.noRules') }}
          renderItem={(rule, index) => (
            <List.Item
              actions={[
                <Button
                  key="edit"
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setEditing({ index })}
                  aria-label={t('retention.editRuleN', { n: index + 1 })}
                >
                  {t('common.edit')}
                </Button>,
                <Button
                  key="toggle"
                  size="small"
                  // Ant Design spaces out a two-character Chinese label, which then no longer matches its name.
                  autoInsertSpace={false}
                  onClick={() =>
                    withRules(
                      rules.map((r, i) => (i === index ? { ...r, disabled: !r.disabled } : r)),
                      t('retention.ruleSaved'),
                    )
                  }
                  aria-label={t(rule.disabled ? 'retention.enableRuleN' : 'retention.disableRuleN', { n: index + 1 })}
                >
                  {rule.disabled ? t('retention.enable') : t('retention.disable')}
                </Button>,
                <ConfirmButton
                  key="delete"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  question={t('retention.deleteConfirm')}
                  onConfirm={() =>
                    withRules(
                      rules.filter((_, i) => i !== index),
                      t('retention.ruleDeleted'),
                    )
                  }
                  aria-label={t('retention.deleteRuleN', { n: index + 1 })}
                >
                  {t('common.delete')}
                </ConfirmButton>,
              ]}
            >
              <RuleSummary rule={rule} />
            </List.Item>
          )}
        />
      </Card>
      {policy.data ? (
        <ScheduleCard
          key={currentCron}
          initial={currentCron}
          onSave={(cron) => save.mutate({ rules, cron, message: t('retention.scheduleSaved') })}
        />
      ) : null}
      {policy.data ? (
        <Card>
          <Flex gap={8} style={{ marginBottom: 16 }}>
            <Button onClick={() => run.mutate(true)} disabled={rules.length === 0}>
              {t('retention.dryRun')}
            </Button>
            <ConfirmButton
              type="primary"
              icon={<PlayCircleOutlined />}
              question={t('retention.runConfirm')}
              onConfirm={() => run.mutate(false)}
              disabled={rules.length === 0}
            >
              {t('retention.runNow')}
            </ConfirmButton>
          </Flex>
          <ExecutionsPanel policyId={policy.data.id} canRun />
        </Card>
      ) : null}
      <RuleModal
        open={editing !== undefined}
        initial={initial}
        pending={save.isPending}
        error={save.error}
        onCancel={() => setEditing(undefined)}
        onSubmit={submitRule}
      />
    </Space>
  );
}
