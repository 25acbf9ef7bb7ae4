import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeLanguage } from '../../i18n/i18n';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectsPage } from './ProjectsPage';

const PROJECTS = [
  {
    project_id: 1,
    name: 'library',
    metadata: { public: 'true' },
    current_user_role_id: 1,
    repo_count: 3,
    creation_time: '2024-01-02T03:04:05Z',
  },
  { project_id: 2, name: 'team-a', metadata: { public: 'false' }, current_user_role_id: 2, repo_count: 0 },
];

const CONFLICT = {
  status: 409,
  json: { errors: [{ code: 'CONFLICT', message: 'The project named web already exists' }] },
};

function params(url: URL | undefined): Record<string, string> {
  return Object.fromEntries(url?.searchParams ?? []);
}

describe('the projects page', () => {
  it('lists one server page of projects, with their access and the user’s role', async () => {
    const all = fakeApi({
      'GET /api/v2.0/projects': { json: PROJECTS, headers: { 'X-Total-Count': '60' } },
    });
    // Each row's storage comes from the project's summary: only the lists count here.
    const lists = () => all.filter((r) => r.url.pathname === '/api/v2.0/projects');
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    const library = (await screen.findByRole('link', { name: 'library' })).closest('tr') as HTMLElement;
    expect(screen.getByRole('link', { name: 'library' })).toHaveAttribute('href', '/projects/library');
    expect(within(library).getByText('Public')).toBeInTheDocument();
    expect(within(library).getByText('Project admin')).toBeInTheDocument();
    expect(within(library).getByText('3')).toBeInTheDocument();
    const team = screen.getByRole('link', { name: 'team-a' }).closest('tr') as HTMLElement;
    expect(within(team).getByText('Private')).toBeInTheDocument();
    expect(within(team).getByText('Developer')).toBeInTheDocument();

    expect(params(lists()[0]?.url)).toEqual({ page: '1', page_size: '25', sort: 'name', with_detail: 'true' });
    // 60 projects at 25 a page: three pages, and the second is asked of the server.
    const user = userEvent.setup();
    await user.click(screen.getByTitle('2'));
    await waitFor(() => expect(lists()).toHaveLength(2));
    expect(params(lists()[1]?.url)).toMatchObject({ page: '2', page_size: '25' });
    expect(screen.getByTitle('3')).toBeInTheDocument();
    expect(screen.queryByTitle('4')).not.toBeInTheDocument();
  });

  it('keeps page and page size in the address, and searches by name on the server from the first page', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects': (req) => ({
        json: req.url.searchParams.has('q') ? [PROJECTS[1]] : PROJECTS,
        headers: { 'X-Total-Count': '2' },
      }),
    });
    renderPage(<ProjectsPage />, { route: '/projects?page=3&size=10', path: '/projects' });
    await screen.findByRole('link', { name: 'library' });
    expect(params(received[0]?.url)).toMatchObject({ page: '3', page_size: '10' });

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Search projects by name'), ' team {Enter}');
    await waitFor(() => expect(screen.queryByRole('link', { name: 'library' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'team-a' })).toBeInTheDocument();
    expect(params(received.filter((r) => r.url.pathname === '/api/v2.0/projects').at(-1)?.url)).toMatchObject({
      q: 'name=~team',
      page: '1',
      page_size: '10',
    });
  });

  it('shows why the list could not be loaded', async () => {
    fakeApi({
      'GET /api/v2.0/projects': {
        status: 500,
        json: { errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'db down' }] },
      },
    });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server failed');
    expect(alert).toHaveTextContent('db down');
  });
});

describe('creating a project', () => {
  it('focuses the name, sends project_name and metadata.public, and opens the new project', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects': { json: [] },
      'POST /api/v2.0/projects': { status: 201 },
    });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New project/ }));
    const dialog = await screen.findByRole('dialog', { name: /New project/ });
    const name = within(dialog).getByLabelText('Project name');
    await waitFor(() => expect(name).toHaveFocus());
    await user.type(name, 'web');
    await user.click(within(dialog).getByLabelText('Public'));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
    const post = received.find((r) => r.method === 'POST');
    expect(post?.url.pathname).toBe('/api/v2.0/projects');
    expect(post?.headers.get('Content-Type')).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({ project_name: 'web', metadata: { public: 'true' } });
  });

  it('sends a private project by default, on Enter', async () => {
    const received = fakeApi({
      'GET /api/v2.0/projects': { json: [] },
      'POST /api/v2.0/projects': { status: 201 },
    });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New project/ }));
    await user.type(within(await screen.findByRole('dialog')).getByLabelText('Project name'), 'internal{Enter}');
    await waitFor(() => expect(received.some((r) => r.method === 'POST')).toBe(true));
    const post = received.find((r) => r.method === 'POST');
    expect(JSON.parse(post?.body ?? '')).toEqual({ project_name: 'internal', metadata: { public: 'false' } });
  });

  it('checks the name before sending; Cancel gives the focus back to the button', async () => {
    const received = fakeApi({ 'GET /api/v2.0/projects': { json: [] } });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New project/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Enter a project name')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Project name'), 'My_Project{Enter}');
    // The rule is shown as help below the field, and now as its error too.
    await waitFor(() => expect(within(dialog).getAllByText(/^Lower-case letters and digits/)).toHaveLength(2));
    expect(received.some((r) => r.method === 'POST')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: /New project/ })).toHaveFocus();
  });

  it("shows the API's error in the dialog and keeps it open", async () => {
    fakeApi({
      'GET /api/v2.0/projects': { json: PROJECTS },
      'POST /api/v2.0/projects': CONFLICT,
    });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New project/ }));
    await user.type(within(await screen.findByRole('dialog')).getByLabelText('Project name'), 'web{Enter}');
    const dialog = screen.getByRole('dialog');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('It already exists');
    expect(alert).toHaveTextContent('The project named web already exists');
    expect(within(dialog).getByLabelText('Project name')).toHaveValue('web');
    expect(screen.queryByTestId('elsewhere')).not.toBeInTheDocument();
  });
});

describe('the projects page in Chinese', () => {
  beforeEach(async () => {
    await changeLanguage('zh-CN');
  });
  afterEach(async () => {
    await changeLanguage('en');
  });

  it('shows its labels, the create dialog and the API error in Chinese', async () => {
    fakeApi({
      'GET /api/v2.0/projects': { json: PROJECTS },
      'POST /api/v2.0/projects': CONFLICT,
    });
    renderPage(<ProjectsPage />, { route: '/projects', path: '/projects' });
    expect(await screen.findByRole('heading', { name: '项目' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: '访问级别' })).toBeInTheDocument();
    const library = (await screen.findByRole('link', { name: 'library' })).closest('tr') as HTMLElement;
    expect(within(library).getByText('公开')).toBeInTheDocument();
    expect(screen.getByLabelText('按名称搜索项目')).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /新建项目/ }));
    const dialog = await screen.findByRole('dialog');
    // (Ant Design spaces out a two-character Chinese button text: 确 定.)
    await user.click(within(dialog).getByRole('button', { name: /^确\s?定$/ }));
    expect(await within(dialog).findByText('请输入项目名称')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('项目名称'), 'web{Enter}');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('已存在');
    expect(alert).toHaveTextContent('The project named web already exists'); // the server's own words
  });
});
