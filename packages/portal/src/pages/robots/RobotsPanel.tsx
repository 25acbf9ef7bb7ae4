import { DeleteOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Space, Switch, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Robot } from '../../api/models';
import { deleteRobot, listRobots, refreshRobotSecret, setRobotDisabled, type RobotScope } from '../../api/robots';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TimeText } from '../../components/TimeText';
import { useFeedback } from '../../hooks/use-feedback';
import { useListQuery } from '../../hooks/use-list-query';
import { CreateRobotModal } from './CreateRobotModal';
import { RobotExpiry } from './RobotExpiry';
import { RobotSecretModal, type ShownSecret } from './RobotSecretModal';

/** Robot accounts of a project or of the system: list, create, enable/disable, new secret, delete. */
export function RobotsPanel({ scope }: { scope: RobotScope }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const list = useListQuery({ defaultSort: '-creation_time' });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ShownSecret>();
  const query = list.query();
  const key = ['robots', scope];
  const robots = useQuery({
    queryKey: [...key, query],
    queryFn: () => listRobots(scope, query),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const toggle = useMutation({
    mutationFn: ({ robot, disable }: { robot: Robot; disable: boolean }) => setRobotDisabled(robot, disable),
    onSuccess: refresh,
    onError: feedback.failure,
  });
  const renew = useMutation({
    mutationFn: (robot: Robot) => refreshRobotSecret(robot.id ?? 0),
    onSuccess: (sec, robot) => setSecret({ name: robot.name ?? '', secret: sec.secret ?? '' }),
    onError: feedback.failure,
  });
  const remove = useMutation({
    mutationFn: (robot: Robot) => deleteRobot(robot.id ?? 0),
    onSuccess: async () => {
      feedback.success(t('robots.deleted'));
      await refresh();
    },
    onError: feedback.failure,
  });
  const columns: TableColumnsType<Robot> = [
    { key: 'name', title: t('robots.name'), dataIndex: 'name', sorter: true, sortOrder: list.sortOrder('name') },
    {
      key: 'disable',
      title: t('robots.enabled'),
      render: (_, r) => (
        <Switch
          checked={!r.disable}
          aria-label={t('robots.enabledOf', { name: r.name })}
          onChange={(on) => toggle.mutate({ robot: r, disable: !on })}
        />
      ),
    },
    { key: 'expires_at', title: t('robots.expires'), render: (_, r) => <RobotExpiry robot={r} /> },
    { key: 'description', title: t('robots.description'), dataIndex: 'description' },
    {
      key: 'creation_time',
      title: t('common.created'),
      sorter: true,
      sortOrder: list.sortOrder('creation_time'),
      render: (_, r) => <TimeText value={r.creation_time} />,
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, r) => (
        <Space>
          <ConfirmButton
            question={t('robots.refreshConfirm', { name: r.name })}
            onConfirm={() => renew.mutate(r)}
            icon={<ReloadOutlined />}
          >
            {t('robots.refresh')}
          </ConfirmButton>
          <ConfirmButton
            question={t('robots.deleteConfirm', { name: r.name })}
            onConfirm={() => remove.mutate(r)}
            icon={<DeleteOutlined />}
            danger
          >
            {t('common.delete')}
          </ConfirmButton>
        </Space>
      ),
    },
  ];
  return (
    <>
      <Flex justify="end" style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('robots.create')}
        </Button>
      </Flex>
      <ErrorAlert error={robots.error} />
      <Table<Robot>
        rowKey={(r) => r.id ?? r.name ?? ''}
        columns={columns}
        dataSource={robots.data?.items}
        loading={robots.isFetching}
        {...list.tableProps<Robot>(robots.data?.total)}
      />
      <CreateRobotModal
        scope={scope}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={async (created) => {
          setSecret(created);
          await refresh();
        }}
      />
      <RobotSecretModal shown={secret} onClose={() => setSecret(undefined)} />
    </>
  );
}
