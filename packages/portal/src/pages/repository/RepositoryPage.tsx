import { DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Breadcrumb, Flex, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { deleteRepository, getRepository } from '../../api/repositories';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFeedback } from '../../hooks/use-feedback';
import { projectOf } from '../../lib/artifact-route';
import { ArtifactsTable } from './ArtifactsTable';
import { RepositoryDescription } from './RepositoryDescription';
import { TagHistory } from './TagHistory';
import { useDocumentTitle } from '../../hooks/use-document-title';

/** One repository: its description, its artifacts and its tag history. */
export function RepositoryPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const name = useParams()['*'] ?? '';
  useDocumentTitle(name);
  const project = projectOf(name);
  const repository = useQuery({ queryKey: ['repository', name], queryFn: () => getRepository(project, name) });
  const remove = useMutation({
    mutationFn: () => deleteRepository(project, name),
    onSuccess: async () => {
      feedback.success(t('repository.deleted', { name }));
      await queryClient.invalidateQueries({ queryKey: ['repositories', project] });
      await navigate(`/projects/${encodeURIComponent(project)}/repositories`);
    },
    onError: feedback.failure,
  });
  return (
    <>
      <Breadcrumb
        items={[
          { title: <Link to="/projects">{t('nav.projects')}</Link> },
          { title: <Link to={`/projects/${encodeURIComponent(project)}`}>{project}</Link> },
          { title: name.slice(project.length + 1) },
        ]}
      />
      <Flex justify="space-between" align="center">
        <Typography.Title level={2}>{name}</Typography.Title>
        <ConfirmButton
          danger
          icon={<DeleteOutlined />}
          question={t('repository.deleteConfirm', { name })}
          onConfirm={() => remove.mutate()}
        >
          {t('repository.delete')}
        </ConfirmButton>
      </Flex>
      {repository.isPending ? <Spin /> : null}
      <ErrorAlert error={repository.error} />
      {repository.data ? <RepositoryDescription project={project} repository={repository.data} /> : null}
      <ArtifactsTable project={project} repository={name} />
      <TagHistory project={project} repository={name} projectId={repository.data?.project_id} />
    </>
  );
}
