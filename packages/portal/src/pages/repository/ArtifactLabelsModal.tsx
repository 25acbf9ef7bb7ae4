import { useMutation, useQuery } from '@tanstack/react-query';
import { Form, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ArtifactRef } from '../../api/artifacts';
import { addArtifactLabel, listLabels, removeArtifactLabel } from '../../api/labels';
import type { Artifact } from '../../api/models';
import { FormModal } from '../../components/FormModal';
import { useFeedback } from '../../hooks/use-feedback';
import { shortDigest } from '../../lib/digest';

/** Every label an artifact may carry: the global ones and its project's (a page of each is plenty). */
const ALL = { page: 1, pageSize: 100, sort: 'name' };

/** Attaches and detaches the labels of an artifact, global and its project's, in one choice. */
export function ArtifactLabelsModal(props: {
  artifact: Artifact | undefined;
  artifactRef: ArtifactRef | undefined;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const feedback = useFeedback();
  const projectId = props.artifact?.project_id ?? 0;
  const open = props.artifact !== undefined;
  const global = useQuery({
    queryKey: ['labels', 'g', 'all'],
    queryFn: () => listLabels({ scope: 'g' }, ALL),
    enabled: open,
  });
  const own = useQuery({
    queryKey: ['labels', 'p', projectId, 'all'],
    queryFn: () => listLabels({ scope: 'p', projectId }, ALL),
    enabled: open,
  });
  const attached = (props.artifact?.labels ?? []).map((l) => l.id);
  const save = useMutation({
    mutationFn: async ({ labels }: { labels: number[] }) => {
      const ref = props.artifactRef as ArtifactRef;
      for (const id of labels.filter((l) => !attached.includes(l))) await addArtifactLabel(ref, id);
      for (const id of attached.filter((l) => !labels.includes(l))) await removeArtifactLabel(ref, id);
    },
    onSuccess: async () => {
      feedback.success(t('labels.artifactSaved'));
      props.onClose();
      await props.onSaved();
    },
  });
  const optionsOf = (labels: { id: number; name: string }[] | undefined) =>
    (labels ?? []).map((l) => ({ value: l.id, label: l.name }));
  return (
    <FormModal<{ labels: number[] }>
      name="artifact-labels"
      open={open}
      title={t('labels.manageTitle', { digest: shortDigest(props.artifact?.digest) })}
      pending={save.isPending}
      error={save.error ?? global.error ?? own.error}
      onCancel={() => {
        save.reset();
        props.onClose();
      }}
      onSubmit={(values) => save.mutate({ labels: values.labels ?? [] })}
    >
      <Form.Item name="labels" label={t('labels.attach')} initialValue={attached}>
        <Select
          mode="multiple"
          loading={global.isPending || own.isPending}
          optionFilterProp="label"
          options={[
            { label: t('labels.global'), title: t('labels.global'), options: optionsOf(global.data?.items) },
            { label: t('labels.projectScope'), title: t('labels.projectScope'), options: optionsOf(own.data?.items) },
          ]}
        />
      </Form.Item>
    </FormModal>
  );
}
