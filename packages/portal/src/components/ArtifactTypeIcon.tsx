import {
  AppstoreOutlined,
  ContainerOutlined,
  FileProtectOutlined,
  FileTextOutlined,
  PaperClipOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ArtifactKind } from '../lib/artifact-kind';

const ICONS: Record<ArtifactKind, ReactNode> = {
  image: <ContainerOutlined />,
  index: <AppstoreOutlined />,
  chart: <FileTextOutlined />,
  sbom: <FileProtectOutlined />,
  signature: <SafetyCertificateOutlined />,
  other: <PaperClipOutlined />,
};

/** An icon for the artifact's kind, named for screen readers and in a tooltip. */
export function ArtifactTypeIcon({ kind }: { kind: ArtifactKind }) {
  const { t } = useTranslation();
  const label = t(`artifactKinds.${kind}`);
  return (
    <Tooltip title={label}>
      <span role="img" aria-label={label} data-kind={kind} style={{ fontSize: 18 }}>
        {ICONS[kind]}
      </span>
    </Tooltip>
  );
}
