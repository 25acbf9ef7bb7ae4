import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, type Received } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from '../project/ProjectPage';

const path = '/projects/:project/:tab?';
const RULE = {
  id: 1,
  priority: 0,
  disabled: false,
  action: 'retain',
  template: 'latestPushedK',
  params: { latestPushedK: 3 },
  tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*', extras: '{"untagged":false}' }],
  scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
};
const POLICY = {
  id: 5,
  algorithm: 'or',
  rules: [RULE],
  trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
  scope: { level: 'project', ref: 7 },
};

function project(roleId: number, retentionId?: number) {
  return {
    project_id: 7,
    name: 'library',
    current_user_role_id: roleId,
    metadata: { public: 'false', ...(retentionId ? { retention_id: String(retentionId) } : {}) },
  };
}

function bodyOf(received: Received[], method: string, suffix: string): unknown {
  const req = received.find((r) => r.method === method && r.url.pathname.endsWith(suffix));
  return req === undefined ? undefined : JSON.parse(req.body);
}

describe('the tag retention tab', () => {
  it('is shown to project admins, maintainers and developers only', async () => {
    fakeApi({
      'GET /api/v2.0/projects/library': { json: project(3) },
      'GET /api/v2.0/projects/library/repositories': { json: [] },
    });
    renderPage(<ProjectPage />, { route: '/projects/library', path });
    expect(await screen.findByRole('tab', { name: 'Members' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Tag retention' })).not.toBeInTheDocument();
  });

  it('creates the policy with its first rule, as Harbor’s body', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: project(2) },
      'POST /api/v2.0/retentions': { status: 201, headers: { Location: '/api/v2.0/retentions/5' } },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/retention', path });
    expect(await screen.findByRole('tab', { name: 'Tag retention', selected: true })).toBeInTheDocument();
    expect(await screen.findByText('No rules: nothing is deleted.')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Add rule/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Add rule' });
    const tags = within(dialog).getByLabelText('Tag pattern');
    await user.clear(tags);
    await user.type(tags, 'release-*');
    await user.click(within(dialog).getByLabelText('Include untagged artifacts'));
    const count = within(dialog).getByLabelText('Number of artifacts');
    await user.clear(count);
    await user.type(count, '4');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Rule saved')).toBeInTheDocument();
    expect(bodyOf(received, 'POST', '/retentions')).toEqual({
      id: 0,
      algorithm: 'or',
      rules: [
        {
          ...RULE,
          id: 0,
          params: { latestPushedK: 4 },
          tag_selectors: [
            { kind: 'doublestar', decoration: 'matches', pattern: 'release-*', extras: '{"untagged":false}' },
          ],
        },
      ],
      trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
      scope: { level: 'project', ref: 7 },
    });
  });

  it('lists rules in words, saves the schedule, starts a dry run and shows runs, tasks and a log', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: project(1, 5) },
      'GET /api/v2.0/retentions/5': { json: POLICY },
      'PUT /api/v2.0/retentions/5': { status: 200 },
      'POST /api/v2.0/retentions/5/executions': { status: 201 },
      'GET /api/v2.0/retentions/5/executions': {
        json: [
          {
            id: 9,
            policy_id: 5,
            status: 'Success',
            trigger: 'MANUAL',
            dry_run: true,
            start_time: '2026-01-01T00:00:00Z',
          },
        ],
        headers: { 'X-Total-Count': '1' },
      },
      'GET /api/v2.0/retentions/5/executions/9/tasks': {
        json: [
          {
            id: 21,
            execution_id: 9,
            repository: 'app',
            job_id: '21',
            status: 'Success',
            status_code: 3,
            total: 4,
            retained: 3,
          },
        ],
        headers: { 'X-Total-Count': '1' },
      },
      'GET /api/v2.0/retentions/5/executions/9/tasks/21': { text: 'would delete library/app@sha256:abc' },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/retention', path });
    expect(await screen.findByText('Retain the 3 most recently pushed artifacts')).toBeInTheDocument();
    expect(
      screen.getByText('repositories matching ** · tags matching v* · untagged artifacts not included'),
    ).toBeInTheDocument();

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Cron (six fields, seconds first, UTC)'), '0 0 0 * * *');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    await waitFor(() =>
      expect(bodyOf(received, 'PUT', '/retentions/5')).toMatchObject({
        id: 5,
        rules: [RULE],
        trigger: { kind: 'Schedule', settings: { cron: '0 0 0 * * *' } },
      }),
    );

    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await waitFor(() => expect(bodyOf(received, 'POST', '/executions')).toEqual({ dry_run: true }));

    const run = (await screen.findByText('Manual')).closest('tr') as HTMLElement;
    expect(within(run).getByText('Success')).toBeInTheDocument();
    await user.click(within(run).getByRole('button', { name: /expand/i }));
    expect(await screen.findByText('3 of 4')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Log of app' }));
    const dialog = await screen.findByRole('dialog', { name: 'Log of app' });
    expect(await within(dialog).findByDisplayValue('would delete library/app@sha256:abc')).toBeInTheDocument();
  });
});
