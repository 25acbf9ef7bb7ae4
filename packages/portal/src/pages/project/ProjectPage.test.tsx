import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, type Received } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from './ProjectPage';

const PROJECT = { project_id: 7, name: 'library', metadata: { public: 'false' } };

const MEMBERS = [
  { id: 11, project_id: 7, entity_name: 'alice', entity_type: 'u', role_id: 1, role_name: 'projectAdmin' },
  { id: 12, project_id: 7, entity_name: 'bob', entity_type: 'u', role_id: 3, role_name: 'guest' },
];

const path = '/projects/:project/:tab?';

function bodyOf(received: Received[], method: string): unknown {
  const req = received.find((r) => r.method === method);
  return req === undefined ? undefined : JSON.parse(req.body);
}

/** Chooses `label` in an Ant Design Select. */
async function choose(user: ReturnType<typeof userEvent.setup>, select: HTMLElement, label: string) {
  await user.click(select);
  const option = await screen.findByText(label, { selector: '.ant-select-item-option-content' });
  await user.click(option);
}

describe('the project page', () => {
  it('shows the project with its repositories first; a tab opens at its own address', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/repositories': { json: [{ id: 1, name: 'library/alpine', artifact_count: 2 }] },
      'GET /api/v2.0/projects/library/members': { json: MEMBERS },
    });
    renderPage(<ProjectPage />, { route: '/projects/library', path });
    expect(await screen.findByRole('heading', { name: /library/ })).toHaveTextContent('Private');
    expect(screen.getByRole('tab', { name: 'Repositories', selected: true })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'library/alpine' })).toHaveAttribute(
      'href',
      '/repositories/library/alpine',
    );
    // The project is addressed by name, even if it looked like a number.
    const get = received.find((r) => r.url.pathname === '/api/v2.0/projects/library');
    expect(get?.headers.get('X-Is-Resource-Name')).toBe('true');

    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Members' }));
    expect(await screen.findByRole('tab', { name: 'Members', selected: true })).toBeInTheDocument();
    await waitFor(() => expect(received.some((r) => r.url.pathname.endsWith('/library/members'))).toBe(true));
  });

  it("shows the API's error when the project does not exist", async () => {
    fakeApi({});
    renderPage(<ProjectPage />, { route: '/projects/nope/members', path });
    expect(await screen.findByRole('alert')).toHaveTextContent('Not found');
  });
});

describe('the members tab', () => {
  it('lists the members with their roles, searching by name on the server', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': (req) => ({
        json: req.url.searchParams.get('entityname') === 'bo' ? [MEMBERS[1]] : MEMBERS,
        headers: { 'X-Total-Count': '2' },
      }),
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    const alice = (await screen.findByText('alice')).closest('tr') as HTMLElement;
    expect(within(alice).getByText('User')).toBeInTheDocument();
    expect(within(alice).getByRole('combobox', { name: 'Role of alice' })).toBeInTheDocument();
    expect(within(alice).getByTitle('Project admin')).toBeInTheDocument();
    const bob = screen.getByText('bob').closest('tr') as HTMLElement;
    expect(within(bob).getByTitle('Guest')).toBeInTheDocument();
    const list = received.find((r) => r.url.pathname.endsWith('/members'));
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toEqual({ page: '1', page_size: '25' });

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Search members by name'), 'bo{Enter}');
    await waitFor(() => expect(screen.queryByText('alice')).not.toBeInTheDocument());
    expect(received.at(-1)?.url.searchParams.get('entityname')).toBe('bo');
  });

  it('adds a member: user name suggested by the server, role chosen, the right body sent', async () => {
    let members: unknown[] = [MEMBERS[0]];
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': () => ({ json: members }),
      'GET /api/v2.0/users/search': (req) => ({
        json: req.url.searchParams.get('username') === 'car' ? [{ user_id: 9, username: 'carol' }] : [],
      }),
      'POST /api/v2.0/projects/library/members': () => {
        members = [...members, { id: 13, entity_name: 'carol', entity_type: 'u', role_id: 4 }];
        return { status: 201 };
      },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    await screen.findByText('alice');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Add member/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Add member' });
    const username = within(dialog).getByLabelText('User name');
    await waitFor(() => expect(username).toHaveFocus());
    expect(within(dialog).getByTitle('Developer')).toBeInTheDocument(); // the default role
    await user.type(username, 'car');
    await user.click(await screen.findByText('carol', { selector: '.ant-select-item-option-content' }));
    expect(username).toHaveValue('carol');
    await choose(user, within(dialog).getByLabelText('Role'), 'Maintainer');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));

    expect(await screen.findByText('carol is now a member')).toBeInTheDocument();
    expect(bodyOf(received, 'POST')).toEqual({ role_id: 4, member_user: { username: 'carol' } });
    expect(received.find((r) => r.method === 'POST')?.headers.get('X-Is-Resource-Name')).toBe('true');
    // The list is read again and shows the new member.
    expect(await screen.findByRole('combobox', { name: 'Role of carol' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it("keeps the dialog open with the API's error when the user does not exist", async () => {
    fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': { json: MEMBERS },
      'GET /api/v2.0/users/search': { json: [] },
      'POST /api/v2.0/projects/library/members': {
        status: 404,
        json: { errors: [{ code: 'NOT_FOUND', message: 'user nobody not found' }] },
      },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    await screen.findByText('alice');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Add member/ }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('User name'), 'nobody');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Not found');
    expect(alert).toHaveTextContent('user nobody not found');
  });

  it("changes a member's role and removes a member after confirmation", async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': { json: MEMBERS },
      'PUT /api/v2.0/projects/library/members/12': { status: 200 },
      'DELETE /api/v2.0/projects/library/members/12': { status: 200 },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    const user = userEvent.setup();
    await choose(user, await screen.findByRole('combobox', { name: 'Role of bob' }), 'Maintainer');
    expect(await screen.findByText('Role changed')).toBeInTheDocument();
    expect(bodyOf(received, 'PUT')).toEqual({ role_id: 4 });

    await user.click(screen.getByRole('button', { name: 'Remove bob' }));
    expect(await screen.findByText('Remove bob from the project?')).toBeInTheDocument();
    expect(received.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Member removed')).toBeInTheDocument();
    expect(received.filter((r) => r.method === 'DELETE').map((r) => r.url.pathname)).toEqual([
      '/api/v2.0/projects/library/members/12',
    ]);
  });
});

describe('the configuration tab', () => {
  it('makes the project public with PUT metadata.public', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'PUT /api/v2.0/projects/library': { status: 200 },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/configuration', path });
    const checkbox = await screen.findByLabelText('Public');
    expect(checkbox).not.toBeChecked();
    const user = userEvent.setup();
    await user.click(checkbox);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(bodyOf(received, 'PUT')).toEqual({ metadata: { public: 'true' } });
    expect(received.find((r) => r.method === 'PUT')?.headers.get('X-Is-Resource-Name')).toBe('true');
  });

  it('does not delete a project that is not empty, and says why', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/_deletable': {
        json: { deletable: false, message: 'the project has 3 repositories' },
      },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/configuration', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete project' }));
    expect(await screen.findByText('Delete project library? This cannot be undone.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yes' }));
    expect(await screen.findByText(/the project has 3 repositories/)).toBeInTheDocument();
    expect(received.some((r) => r.method === 'DELETE')).toBe(false);
    expect(screen.queryByTestId('elsewhere')).not.toBeInTheDocument();
  });

  it('deletes an empty project and returns to the projects', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/_deletable': { json: { deletable: true } },
      'DELETE /api/v2.0/projects/library': { status: 200 },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/configuration', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete project' }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByTestId('elsewhere')).toBeInTheDocument();
    expect(received.filter((r) => r.method === 'DELETE').map((r) => r.url.pathname)).toEqual([
      '/api/v2.0/projects/library',
    ]);
  });
});

describe('how to push into a project', () => {
  it('opens from the repositories tab with the commands for this registry and project, and closes', async () => {
    fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/repositories': { json: [] },
      'GET /api/v2.0/systeminfo': { json: { registry_url: 'reg.example:5000' } },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/repositories', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /How to push/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Push an image to library' });
    for (const command of [
      'docker login reg.example:5000',
      'docker tag hello:1.0 reg.example:5000/library/hello:1.0',
      'docker push reg.example:5000/library/hello:1.0',
      'podman login reg.example:5000',
      'podman push hello:1.0 reg.example:5000/library/hello:1.0',
      'skopeo login reg.example:5000',
      'skopeo copy oci:hello:1.0 docker://reg.example:5000/library/hello:1.0',
    ]) {
      expect(await within(dialog).findByText(command)).toBeInTheDocument();
    }
    // One button named Close: the footer's (no corner cross beside it).
    expect(within(dialog).getAllByRole('button', { name: 'Close' })).toHaveLength(1);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('names the project and the tab in the page title', async () => {
    fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': { json: MEMBERS },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    await screen.findByRole('tab', { name: 'Members', selected: true });
    expect(document.title).toBe('library – Members – Wharf');
  });
});
