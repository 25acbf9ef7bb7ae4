import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from '../project/ProjectPage';
import { RobotsPanel } from './RobotsPanel';

const PROJECT = { project_id: 7, name: 'library', metadata: { public: 'true' } };
const SECRET = 'Zq9vXk2LrT5wY8mN';

const ROBOTS = [
  {
    id: 3,
    name: 'robot$library+ci',
    description: 'builds',
    level: 'project',
    duration: -1,
    expires_at: -1,
    disable: false,
    creation_time: '2024-03-01T00:00:00Z',
  },
];

describe('the robot accounts of a project', () => {
  it('lists the project’s robots, asked of the server by level and project id', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/robots': { json: ROBOTS, headers: { 'X-Total-Count': '1' } },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/robots', path: '/projects/:project/:tab?' });
    const row = (await screen.findByText('robot$library+ci')).closest('tr') as HTMLElement;
    expect(within(row).getByText('builds')).toBeInTheDocument();
    expect(within(row).getByText('Never')).toBeInTheDocument();
    expect(within(row).getByRole('switch', { name: 'robot$library+ci enabled' })).toBeChecked();
    const list = received.find((r) => r.url.pathname === '/api/v2.0/robots');
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toEqual({
      page: '1',
      page_size: '25',
      sort: '-creation_time',
      q: 'Level=project,ProjectID=7',
    });
  });

  it('creates a robot with the chosen permissions and shows its secret once', async () => {
    let robots: unknown[] = [];
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/robots': () => ({ json: robots }),
      'POST /api/v2.0/robots': () => {
        robots = [{ ...ROBOTS[0], description: '' }];
        return { status: 201, json: { id: 3, name: 'robot$library+ci', secret: SECRET, expires_at: -1 } };
      },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/robots', path: '/projects/:project/:tab?' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New robot account/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New robot account' });
    const name = within(dialog).getByLabelText('Name');
    await waitFor(() => expect(name).toHaveFocus());
    await user.type(name, 'ci');
    expect(within(dialog).getByLabelText(/^Expires after \(days\)/)).toHaveValue('30');
    await user.click(within(dialog).getByLabelText('Never expires'));
    expect(within(dialog).getByLabelText(/^Expires after \(days\)/)).toBeDisabled();
    expect(within(dialog).getByLabelText('Pull')).toBeChecked(); // the default permission
    await user.click(within(dialog).getByLabelText('Push'));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));

    const secretDialog = await screen.findByRole('dialog', { name: 'Robot account secret' });
    expect(within(secretDialog).getByText('Copy the secret now: it is shown only this once.')).toBeInTheDocument();
    expect(within(secretDialog).getByTestId('robot-name')).toHaveTextContent('robot$library+ci');
    expect(within(secretDialog).getByTestId('robot-secret')).toHaveTextContent(SECRET);
    expect(within(secretDialog).getByRole('button', { name: 'Copy the secret' })).toBeInTheDocument();
    expect(JSON.parse(received.find((r) => r.method === 'POST')?.body ?? '')).toEqual({
      name: 'ci',
      description: '',
      duration: -1,
      level: 'project',
      disable: false,
      permissions: [
        {
          kind: 'project',
          namespace: 'library',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    });

    // Closed, the secret is gone from the page; the list now has the robot.
    await user.click(within(secretDialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByText(SECRET)).not.toBeInTheDocument());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByText('robot$library+ci')).toBeInTheDocument();
  });

  it('requires a valid name and at least one permission before sending', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/robots': { json: [] },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/robots', path: '/projects/:project/:tab?' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New robot account/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByLabelText('Pull')); // unchecks the default
    await user.type(within(dialog).getByLabelText('Name'), 'CI Bot{Enter}');
    expect(await within(dialog).findByText('Choose at least one permission')).toBeInTheDocument();
    expect(within(dialog).getAllByText(/^Lower-case letters and digits/)).toHaveLength(2);
    expect(received.some((r) => r.method === 'POST')).toBe(false);
  });

  it('disables a robot, and gives it a new secret after confirmation, shown once', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/robots': { json: ROBOTS },
      'PUT /api/v2.0/robots/3': { status: 200 },
      'PATCH /api/v2.0/robots/3': { json: { secret: 'NewSecret123abc' } },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/robots', path: '/projects/:project/:tab?' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('switch', { name: 'robot$library+ci enabled' }));
    await waitFor(() => expect(received.some((r) => r.method === 'PUT')).toBe(true));
    expect(JSON.parse(received.find((r) => r.method === 'PUT')?.body ?? '')).toMatchObject({
      id: 3,
      name: 'robot$library+ci',
      disable: true,
    });

    await user.click(screen.getByRole('button', { name: /New secret/ }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    // (Under test, Ant Design's generated ids are all "test-id": the dialog is found by its content, not its title.)
    const secretDialog = (await screen.findByTestId('robot-secret')).closest('[role=dialog]') as HTMLElement;
    expect(secretDialog).toHaveTextContent('Robot account secret');
    expect(within(secretDialog).getByTestId('robot-secret')).toHaveTextContent('NewSecret123abc');
    expect(received.find((r) => r.method === 'PATCH')?.url.pathname).toBe('/api/v2.0/robots/3');
  });
});

describe('the system robot accounts', () => {
  it('creates a system robot with access to every project', async () => {
    const received = fakeApi({
      'GET /api/v2.0/robots': { json: [] },
      'POST /api/v2.0/robots': { status: 201, json: { id: 4, name: 'robot$mirror', secret: SECRET } },
    });
    renderPage(<RobotsPanel scope={{ level: 'system' }} />);
    await waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]?.url.searchParams.get('q')).toBe('Level=system');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New robot account/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New system robot account' });
    expect(
      within(dialog).getByText('A system robot account has these permissions in every project'),
    ).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Name'), 'mirror{Enter}');
    expect(await screen.findByTestId('robot-secret')).toHaveTextContent(SECRET);
    expect(JSON.parse(received.find((r) => r.method === 'POST')?.body ?? '')).toMatchObject({
      name: 'mirror',
      level: 'system',
      duration: 30,
      permissions: [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'pull' }] }],
    });
  });
});
