import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Space, Spin, Tabs, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getArtifact, type ArtifactRef } from '../../api/artifacts';
import { fetchManifest } from '../../api/registry';
import { ArtifactTypeIcon } from '../../components/ArtifactTypeIcon';
import { ErrorAlert } from '../../components/ErrorAlert';
import { artifactKind } from '../../lib/artifact-kind';
import { parseArtifactRoute, projectOf, repositoryRoute } from '../../lib/artifact-route';
import { shortDigest } from '../../lib/digest';
import { imageConfigOf } from '../../lib/image-config';
import { NotFoundPage } from '../NotFoundPage';
import { BuildHistory } from './BuildHistory';
import { ConfigDetails } from './ConfigDetails';
import { LayersTable } from './LayersTable';
import { Overview } from './Overview';
import { PlatformsTable } from './PlatformsTable';
import { RawManifest } from './RawManifest';
import { ReferrersTable } from './ReferrersTable';
import { useDocumentTitle } from '../../hooks/use-document-title';

/** One artifact: overview and tags, layers, build history, configuration, platforms, referrers, raw manifest. */
export function ArtifactPage() {
  const path = useParams()['*'] ?? '';
  const parsed = parseArtifactRoute(path);
  if (!parsed) return <NotFoundPage />;
  const ref: ArtifactRef = { project: projectOf(parsed.repository), ...parsed };
  return <ArtifactView key={path} artifactRef={ref} />;
}

function ArtifactView({ artifactRef: ref }: { artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const shownReference = ref.reference.includes(':') ? `@${shortDigest(ref.reference)}` : `:${ref.reference}`;
  useDocumentTitle(`${ref.repository}${shownReference}`);
  const artifact = useQuery({ queryKey: ['artifact', ref], queryFn: () => getArtifact(ref) });
  const digest = artifact.data?.digest;
  const manifest = useQuery({
    queryKey: ['manifest', ref.repository, digest],
    queryFn: () => fetchManifest(ref.repository, digest ?? ''),
    enabled: digest !== undefined,
    staleTime: Infinity,
  });
  const header = (
    <Breadcrumb
      items={[
        { title: <Link to="/projects">{t('nav.projects')}</Link> },
        { title: <Link to={`/projects/${encodeURIComponent(ref.project)}`}>{ref.project}</Link> },
        { title: <Link to={repositoryRoute(ref.repository)}>{ref.repository.slice(ref.project.length + 1)}</Link> },
        { title: shortDigest(digest) || ref.reference },
      ]}
    />
  );
  if (artifact.isPending)
    return (
      <>
        {header}
        <Spin />
      </>
    );
  if (artifact.isError)
    return (
      <>
        {header}
        <ErrorAlert error={artifact.error} />
      </>
    );
  const a = artifact.data;
  const kind = artifactKind(a);
  const m = manifest.data?.manifest;
  const isIndex = (m?.manifests?.length ?? 0) > 0 || kind === 'index';
  const sections: { key: string; label: string; children: ReactNode }[] = [
    { key: 'overview', label: t('artifact.overview'), children: <Overview artifact={a} artifactRef={ref} /> },
    ...(isIndex
      ? [
          {
            key: 'platforms',
            label: t('artifact.platforms'),
            children: <PlatformsTable repository={ref.repository} artifact={a} manifest={m} />,
          },
        ]
      : [
          {
            key: 'layers',
            label: t('artifact.layers'),
            children: <LayersTable manifest={m} loading={manifest.isPending} />,
          },
          {
            key: 'history',
            label: t('artifact.history'),
            children: <BuildHistory repository={ref.repository} manifest={m} />,
          },
          { key: 'config', label: t('artifact.config'), children: <ConfigDetails config={imageConfigOf(a)} /> },
        ]),
    {
      key: 'referrers',
      label: t('artifact.referrers'),
      children: <ReferrersTable repository={ref.repository} accessories={a.accessories ?? []} />,
    },
    {
      key: 'manifest',
      label: t('artifact.manifest'),
      children: <RawManifest raw={manifest.data?.raw} loading={manifest.isPending} />,
    },
  ];
  return (
    <>
      {header}
      <Typography.Title level={2}>
        <Space>
          <ArtifactTypeIcon kind={kind} />
          {ref.repository}@{shortDigest(digest)}
        </Space>
      </Typography.Title>
      <ErrorAlert error={manifest.error} />
      <Tabs items={sections} destroyOnHidden />
    </>
  );
}
