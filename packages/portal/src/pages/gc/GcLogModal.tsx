import { useQuery } from '@tanstack/react-query';
import { Button, Modal, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { gcLog } from '../../api/gc';
import type { GCHistory } from '../../api/models';
import { ErrorAlert } from '../../components/ErrorAlert';
import { GC_REFRESH_MS, isActive } from './gc-status';

/** A run's plain-text log, read again every few seconds while the run goes on. */
export function GcLogModal({ run, onClose }: { run: GCHistory | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const id = run?.id ?? 0;
  const log = useQuery({
    queryKey: ['gc', 'log', id],
    queryFn: () => gcLog(id),
    enabled: run !== undefined,
    refetchInterval: run && isActive(run) ? GC_REFRESH_MS : false,
  });
  return (
    <Modal
      open={run !== undefined}
      title={t('gc.logTitle', { id })}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('common.close')}</Button>}
      width={900}
      destroyOnHidden
    >
      <ErrorAlert error={log.error} />
      {log.isPending && run !== undefined ? <Spin /> : null}
      {log.data !== undefined ? (
        <pre
          data-testid="gc-log"
          // A scrolling region must take the focus to be scrolled from the keyboard (axe scrollable-region-focusable).
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
          role="region"
          aria-label={t('gc.logTitle', { id })}
          style={{ maxHeight: '60vh', overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }}
        >
          {log.data === '' ? t('gc.logEmpty') : log.data}
        </pre>
      ) : null}
    </Modal>
  );
}
