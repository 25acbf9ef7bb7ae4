import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, type Received } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from '../project/ProjectPage';

const path = '/projects/:project/:tab?';
const BASE = '/api/v2.0/projects/library/webhook';
const EVENTS = {
  event_type: ['PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT'],
  notify_type: ['http', 'slack'],
  payload_formats: [
    { notify_type: 'http', formats: ['Default', 'CloudEvents'] },
    { notify_type: 'slack', formats: ['Default'] },
  ],
};
const POLICY = {
  id: 3,
  name: 'ci',
  description: '',
  project_id: 7,
  targets: [
    {
      type: 'http',
      address: 'https://ci.example.com/hook',
      auth_header: 'Bearer x',
      skip_cert_verify: false,
      payload_format: 'Default',
    },
  ],
  event_types: ['PUSH_ARTIFACT'],
  creator: 'admin',
  creation_time: '2026-01-01T00:00:00Z',
  update_time: '2026-01-01T00:00:00Z',
  enabled: true,
};

function project(roleId: number) {
  return { project_id: 7, name: 'library', current_user_role_id: roleId, metadata: { public: 'false' } };
}

function bodyOf(received: Received[], method: string, suffix: string): unknown {
  const req = received.find((r) => r.method === method && r.url.pathname.endsWith(suffix));
  return req === undefined ? undefined : JSON.parse(req.body);
}

function common(roleId: number, policies: unknown[] = [POLICY]) {
  return {
    'GET /api/v2.0/projects/library': { json: project(roleId) },
    'GET /api/v2.0/projects/library/repositories': { json: [] },
    [`GET ${BASE}/policies`]: { json: policies, headers: { 'X-Total-Count': String(policies.length) } },
    [`GET ${BASE}/events`]: { json: EVENTS },
    [`GET ${BASE}/lasttrigger`]: {
      json: [
        {
          policy_name: 'ci',
          event_type: 'PUSH_ARTIFACT',
          enabled: true,
          creation_time: '2026-01-01T00:00:00Z',
          last_trigger_time: '2026-02-03T04:05:06Z',
        },
      ],
    },
  };
}

describe('the webhooks tab', () => {
  it('is hidden from developers', async () => {
    fakeApi(common(2));
    renderPage(<ProjectPage />, { route: '/projects/library', path });
    expect(await screen.findByRole('tab', { name: 'Members' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Webhooks' })).not.toBeInTheDocument();
  });

  it('shows maintainers the policies without the controls to change them', async () => {
    fakeApi(common(4));
    renderPage(<ProjectPage />, { route: '/projects/library/webhooks', path });
    expect(await screen.findByText('https://ci.example.com/hook', { exact: false })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New webhook' })).not.toBeInTheDocument();
    expect(screen.queryByRole('switch')).not.toBeInTheDocument();
  });

  it('creates a policy as Harbor’s body', async () => {
    const received = fakeApi({
      ...common(1, []),
      [`POST ${BASE}/policies`]: { status: 201, headers: { Location: `${BASE}/policies/4` } },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/webhooks', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New webhook' }));
    const dialog = await screen.findByRole('dialog', { name: 'New webhook' });
    await user.type(within(dialog).getByLabelText('Name'), 'deploy');
    await user.click(within(dialog).getByLabelText('Artifact pushed'));
    await user.click(within(dialog).getByLabelText('Artifact deleted'));
    await user.type(within(dialog).getByLabelText('Endpoint'), 'https://deploy.example.com/hook');
    await user.type(within(dialog).getByLabelText(/^Auth header/), 'Bearer t');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Webhook saved')).toBeInTheDocument();
    expect(bodyOf(received, 'POST', '/webhook/policies')).toEqual({
      name: 'deploy',
      description: '',
      enabled: true,
      event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
      targets: [
        {
          type: 'http',
          address: 'https://deploy.example.com/hook',
          auth_header: 'Bearer t',
          skip_cert_verify: false,
          payload_format: 'Default',
        },
      ],
    });
  });

  it('disables, test-fires and deletes a policy', async () => {
    const received = fakeApi(handlers());
    renderPage(<ProjectPage />, { route: '/projects/library/webhooks', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('switch', { name: 'Enable ci' }));
    await waitFor(() => expect(bodyOf(received, 'PUT', '/policies/3')).toMatchObject({ name: 'ci', enabled: false }));
    await user.click(screen.getByRole('button', { name: 'Test ci' }));
    const results = await screen.findByRole('dialog', { name: 'Test of ci' });
    expect(within(results).getByText('abnormal response code: 500')).toBeInTheDocument();
    expect(within(results).getByText('Failed')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('button', { name: 'Delete ci' }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    await waitFor(() => expect(received.some((r) => r.method === 'DELETE')).toBe(true));
  });

  it('shows a policy’s last trigger per event type, its deliveries, their tasks and a log', async () => {
    fakeApi(handlers());
    renderPage(<ProjectPage />, { route: '/projects/library/webhooks', path });
    const user = userEvent.setup();
    const row = (await screen.findByText('ci')).closest('tr') as HTMLElement;
    await user.click(within(row).getByRole('button', { name: /expand/i }));
    expect(await screen.findByText('Last sent')).toBeInTheDocument();
    const delivery = (await screen.findByText('11')).closest('tr') as HTMLElement;
    await user.click(within(delivery).getByRole('button', { name: /expand/i }));
    expect(await screen.findByText('abnormal response code: 502')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Log of task 21' }));
    const log = await screen.findByRole('dialog', { name: 'Log of task 21' });
    expect(await within(log).findByDisplayValue('response: HTTP 502')).toBeInTheDocument();
  });
});

function handlers() {
  return {
    ...common(1),
    [`PUT ${BASE}/policies/3`]: { status: 200 },
    [`DELETE ${BASE}/policies/3`]: { status: 200 },
    [`POST ${BASE}/policies/3/test`]: {
      json: [
        {
          address: 'https://ci.example.com/hook',
          type: 'http',
          success: false,
          http_status: 500,
          message: 'abnormal response code: 500',
        },
      ],
    },
    [`GET ${BASE}/policies/3/executions`]: {
      json: [
        {
          id: 11,
          vendor_type: 'WEBHOOK',
          vendor_id: 3,
          status: 'Error',
          trigger: 'EVENT',
          metrics: { task_count: 1, error_task_count: 1 },
          extra_attrs: { event_type: 'PUSH_ARTIFACT' },
          start_time: '2026-02-03T04:05:06Z',
        },
      ],
      headers: { 'X-Total-Count': '1' },
    },
    [`GET ${BASE}/policies/3/executions/11/tasks`]: {
      json: [
        {
          id: 21,
          execution_id: 11,
          status: 'Error',
          status_message: 'abnormal response code: 502',
          run_count: 4,
          creation_time: '2026-02-03T04:05:06Z',
        },
      ],
      headers: { 'X-Total-Count': '1' },
    },
    [`GET ${BASE}/policies/3/executions/11/tasks/21/log`]: { text: 'response: HTTP 502' },
  };
}
