import { Navigate, Route, Routes } from 'react-router';
import { AdminPage } from '../pages/admin/AdminPage';
import { ArtifactPage } from '../pages/artifact/ArtifactPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { ProjectPage } from '../pages/project/ProjectPage';
import { ProjectsPage } from '../pages/projects/ProjectsPage';
import { RepositoryPage } from '../pages/repository/RepositoryPage';
import { ForgotPasswordPage } from '../pages/sign-in/ForgotPasswordPage';
import { ResetPasswordPage } from '../pages/sign-in/ResetPasswordPage';
import { OidcOnboardPage } from '../pages/sign-in/OidcOnboardPage';
import { SignInPage } from '../pages/sign-in/SignInPage';
import { TokensPage } from '../pages/tokens/TokensPage';
import { ProfilePage } from '../pages/user-menu/ProfilePage';
import { AppLayout } from './AppLayout';
import { RequireSession } from './RequireSession';

/**
 * The portal's pages. Repository names contain slashes, so repositories and artifacts are addressed by a trailing
 * path: /repositories/library/alpine and /artifacts/library/alpine@sha256:… (or :tag).
 */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/oidc-onboard" element={<OidcOnboardPage />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<Navigate to="/projects" replace />} />
        <Route path="/projects" element={<ProjectsPage />} />
        <Route path="/projects/:project/:tab?" element={<ProjectPage />} />
        <Route path="/repositories/*" element={<RepositoryPage />} />
        <Route path="/artifacts/*" element={<ArtifactPage />} />
        <Route path="/admin/:tab?" element={<AdminPage />} />
        <Route path="/profile" element={<ProfilePage />} />
        <Route path="/tokens" element={<TokensPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
