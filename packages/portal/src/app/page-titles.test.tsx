import { waitFor } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { changeLanguage } from '../i18n/i18n';
import { ArtifactPage } from '../pages/artifact/ArtifactPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { ProjectPage } from '../pages/project/ProjectPage';
import { ProjectsPage } from '../pages/projects/ProjectsPage';
import { RepositoryPage } from '../pages/repository/RepositoryPage';
import { OidcOnboardPage } from '../pages/sign-in/OidcOnboardPage';
import { SignInPage } from '../pages/sign-in/SignInPage';
import { TokensPage } from '../pages/tokens/TokensPage';
import { ProfilePage } from '../pages/user-menu/ProfilePage';
import { fakeApi } from '../test/fake-api';
import { renderPage } from '../test/render';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** [page, address, route pattern, its title in English, in Chinese]. The administration has its own test. */
const PAGES: [string, ReactElement, string, string, string, string][] = [
  ['sign-in', <SignInPage />, '/sign-in', '/sign-in', 'Sign in – Wharf', '登录 – Wharf'],
  ['projects', <ProjectsPage />, '/projects', '/projects', 'Projects – Wharf', '项目 – Wharf'],
  [
    'project',
    <ProjectPage />,
    '/projects/library/robots',
    '/projects/:project/:tab?',
    'library – Robot accounts – Wharf',
    'library – 机器人账号 – Wharf',
  ],
  [
    'repository',
    <RepositoryPage />,
    '/repositories/library/alpine',
    '/repositories/*',
    'library/alpine – Wharf',
    'library/alpine – Wharf',
  ],
  [
    'artifact by digest',
    <ArtifactPage />,
    `/artifacts/library/alpine@${DIGEST}`,
    '/artifacts/*',
    'library/alpine@sha256:abababababab – Wharf',
    'library/alpine@sha256:abababababab – Wharf',
  ],
  [
    'artifact by tag',
    <ArtifactPage />,
    '/artifacts/library/alpine:3.20',
    '/artifacts/*',
    'library/alpine:3.20 – Wharf',
    'library/alpine:3.20 – Wharf',
  ],
  ['profile', <ProfilePage />, '/profile', '/profile', 'User profile – Wharf', '用户资料 – Wharf'],
  ['tokens', <TokensPage />, '/tokens', '/tokens', 'Personal access tokens – Wharf', '个人访问令牌 – Wharf'],
  [
    'OIDC onboarding',
    <OidcOnboardPage />,
    '/oidc-onboard?username=alice',
    '/oidc-onboard',
    'Choose your user name – Wharf',
    '选择你的用户名 – Wharf',
  ],
  ['not found', <NotFoundPage />, '/nowhere', '*', 'Page not found – Wharf', '页面不存在 – Wharf'],
];

afterEach(async () => {
  await changeLanguage('en');
});

describe('the page titles', () => {
  it.each(PAGES)('name the %s page, in English and in Chinese', async (_name, ui, route, path, english, chinese) => {
    // Whatever the server answers (here: nothing), the title names the page at once.
    fakeApi({});
    document.title = '';
    renderPage(ui, { route, path });
    await waitFor(() => expect(document.title).toBe(english));
    await changeLanguage('zh-CN');
    await waitFor(() => expect(document.title).toBe(chinese));
  });
});
