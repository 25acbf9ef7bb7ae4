import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { countOf, lastJson } from '../../test/admin-page';
import { fakeApi, type FakeResponse, type Received } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from '../project/ProjectPage';

const path = '/projects/:project/:tab?';
const RULES_PATH = '/api/v2.0/projects/library/immutabletagrules';
const rule = (id: number, repo: [string, string], tag: [string, string], disabled = false) => ({
  id,
  priority: 0,
  disabled,
  action: 'immutable',
  template: 'immutable_template',
  tag_selectors: [{ kind: 'doublestar', decoration: tag[0], pattern: tag[1] }],
  scope_selectors: { repository: [{ kind: 'doublestar', decoration: repo[0], pattern: repo[1] }] },
});
const RULES = [
  rule(1, ['repoMatches', '**'], ['matches', 'v*']),
  rule(2, ['repoExcludes', 'tmp/**'], ['excludes', 'latest'], true),
];

function projectApi(role: number, handlers: Record<string, FakeResponse | ((req: Received) => FakeResponse)> = {}) {
  return fakeApi({
    'GET /api/v2.0/users/current': { json: { user_id: 3, username: 'mia', sysadmin_flag: false } },
    'GET /api/v2.0/projects/library': {
      json: { project_id: 7, name: 'library', metadata: { public: 'false' }, current_user_role_id: role },
    },
    'GET /api/v2.0/projects/library/repositories': { json: [] },
    [`GET ${RULES_PATH}`]: { json: RULES },
    ...handlers,
  });
}

describe('the immutability tab', () => {
  it('lists the rules for a maintainer: repositories and tags matched or excluded, enabled or not', async () => {
    const received = projectApi(4);
    renderPage(<ProjectPage />, { route: '/projects/library/immutability', path });
    expect(await screen.findByRole('tab', { name: 'Tag immutability', selected: true })).toBeInTheDocument();
    const first = (await screen.findByText('matching v*')).closest('tr') as HTMLElement;
    expect(within(first).getByText('matching **')).toBeInTheDocument();
    expect(within(first).getByRole('switch', { name: 'Rule 1 is enabled' })).toBeChecked();
    const second = screen.getByText('excluding tmp/**').closest('tr') as HTMLElement;
    expect(within(second).getByText('excluding latest')).toBeInTheDocument();
    expect(within(second).getByRole('switch', { name: 'Rule 2 is enabled' })).not.toBeChecked();
    expect(received.find((r) => r.url.pathname === RULES_PATH)?.headers.get('X-Is-Resource-Name')).toBe('true');
  });

  it('is not offered to a developer, whom the API does not let list the rules', async () => {
    const received = projectApi(2);
    renderPage(<ProjectPage />, { route: '/projects/library/immutability', path });
    expect(await screen.findByRole('tab', { name: 'Repositories', selected: true })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Tag immutability' })).not.toBeInTheDocument();
    expect(countOf(received, 'GET', RULES_PATH)).toBe(0);
  });

  it('adds a rule, checking that the patterns are given', async () => {
    const received = projectApi(1, { [`POST ${RULES_PATH}`]: { status: 201 } });
    renderPage(<ProjectPage />, { route: '/projects/library/immutability', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Add rule/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Add rule' });
    expect(within(dialog).getByLabelText('Repository pattern')).toHaveValue('**');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Enter a pattern')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('combobox', { name: /^Tags/ }));
    await user.click(
      await screen
        .findAllByText('excluding', { selector: '.ant-select-item-option-content' })
        .then((all) => all.at(-1) as HTMLElement),
    );
    await user.type(within(dialog).getByLabelText('Tag pattern'), ' dev-* {Enter}');
    expect(await screen.findByText('Rule added')).toBeInTheDocument();
    expect(lastJson(received, 'POST', RULES_PATH)).toEqual({
      id: 0,
      priority: 0,
      disabled: false,
      action: 'immutable',
      template: 'immutable_template',
      tag_selectors: [{ kind: 'doublestar', decoration: 'excludes', pattern: 'dev-*' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });
  });

  it('edits, disables and deletes a rule', async () => {
    const received = projectApi(1, {
      [`PUT ${RULES_PATH}/1`]: { status: 200 },
      [`DELETE ${RULES_PATH}/2`]: { status: 200 },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/immutability', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('switch', { name: 'Rule 1 is enabled' }));
    expect(await screen.findByText('Rule disabled')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', `${RULES_PATH}/1`)).toMatchObject({ id: 1, disabled: true });

    await user.click(
      within(screen.getByText('matching v*').closest('tr') as HTMLElement).getByRole('button', { name: /Edit/ }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Edit rule' });
    const tag = within(dialog).getByLabelText('Tag pattern');
    expect(tag).toHaveValue('v*');
    await user.clear(tag);
    await user.type(tag, 'release-*{Enter}');
    expect(await screen.findByText('Rule changed')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', `${RULES_PATH}/1`)).toMatchObject({
      id: 1,
      disabled: false,
      tag_selectors: [{ decoration: 'matches', pattern: 'release-*' }],
    });

    await user.click(
      within(screen.getByText('excluding latest').closest('tr') as HTMLElement).getByRole('button', { name: /Delete/ }),
    );
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Rule deleted')).toBeInTheDocument();
    expect(countOf(received, 'DELETE', `${RULES_PATH}/2`)).toBe(1);
  });

  it('offers no new rule once the project has 15', async () => {
    const many = Array.from({ length: 15 }, (_, i) => rule(i + 1, ['repoMatches', '**'], ['matches', `t${i}`]));
    projectApi(1, { [`GET ${RULES_PATH}`]: { json: many } });
    renderPage(<ProjectPage />, { route: '/projects/library/immutability', path });
    await screen.findByText('matching t14');
    await waitFor(() => expect(screen.getByRole('button', { name: /Add rule/ })).toBeDisabled());
  });
});
