import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { lastJson } from '../../test/admin-page';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from './ProjectPage';

const PROJECT = { project_id: 7, name: 'library', metadata: { public: 'false' } };
const ALICE = { id: 11, project_id: 7, entity_name: 'alice', entity_type: 'u', role_id: 1, role_name: 'projectAdmin' };
const DEVS = { id: 14, project_id: 7, entity_name: 'developers', entity_type: 'g', role_id: 2, role_name: 'developer' };
const path = '/projects/:project/:tab?';

describe('groups as project members', () => {
  it('shows a group member with the group icon', async () => {
    fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': { json: [ALICE, DEVS] },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    const devs = (await screen.findByText('developers')).closest('tr') as HTMLElement;
    expect(within(devs).getByRole('img', { name: 'Group' })).toBeInTheDocument();
    expect(within(devs).getByText('Group', { selector: 'td' })).toBeInTheDocument();
    const alice = screen.getByText('alice').closest('tr') as HTMLElement;
    expect(within(alice).getByRole('img', { name: 'User' })).toBeInTheDocument();
  });

  it('adds a group found by name with a role', async () => {
    let members: unknown[] = [ALICE];
    const received = fakeApi({
      'GET /api/v2.0/projects/library': { json: PROJECT },
      'GET /api/v2.0/projects/library/members': () => ({ json: members }),
      'GET /api/v2.0/usergroups/search': (req) => ({
        json:
          req.url.searchParams.get('groupname') === 'dev' ? [{ id: 4, group_name: 'developers', group_type: 1 }] : [],
      }),
      'POST /api/v2.0/projects/library/members': () => {
        members = [ALICE, DEVS];
        return { status: 201 };
      },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/members', path });
    await screen.findByText('alice');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Add member/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Add member' });
    // A button-style radio is clicked through its label.
    await user.click(within(dialog).getByRole('radio', { name: 'Group' }).closest('label') as HTMLElement);
    const group = await within(dialog).findByRole('combobox', { name: 'User group' });
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Choose a group')).toBeInTheDocument();

    await user.type(group, 'dev');
    await user.click(await screen.findByText('developers', { selector: '.ant-select-item-option-content' }));
    await user.click(within(dialog).getByRole('combobox', { name: 'Role' }));
    await user.click(await screen.findByText('Maintainer', { selector: '.ant-select-item-option-content' }));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await screen.findByText('developers is now a member')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/projects/library/members')).toEqual({
      role_id: 4,
      member_group: { id: 4, group_name: 'developers', group_type: 1 },
    });
    const search = received.filter((r) => r.url.pathname === '/api/v2.0/usergroups/search').at(-1);
    expect(search?.url.searchParams.get('groupname')).toBe('dev');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
