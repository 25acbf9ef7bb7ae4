import { Card, Empty, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/CopyButton';

function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** The manifest as stored (copied byte for byte), shown indented. */
export function RawManifest({ raw, loading }: { raw: string | undefined; loading: boolean }) {
  const { t } = useTranslation();
  if (raw === undefined) return loading ? <Spin /> : <Empty />;
  return (
    <Card size="small" extra={<CopyButton text={raw} label={t('artifact.copyManifest')} />}>
      <pre style={{ margin: 0, maxHeight: 600, overflow: 'auto' }} data-testid="raw-manifest">
        {pretty(raw)}
      </pre>
    </Card>
  );
}
