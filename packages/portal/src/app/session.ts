import { useQuery } from '@tanstack/react-query';
import type { IdentityUserResp } from '../api/identity-models';
import { currentUser } from '../api/session';
import { SESSION_KEY } from './query-client';

export interface Session {
  readonly loading: boolean;
  /** With the CLI secret (`oidc_user_meta`) of an OIDC user. */
  readonly user: IdentityUserResp | null;
  readonly isAdmin: boolean;
}

/** The signed-in user (null when anonymous), shared by every component through the query cache. */
export function useSession(): Session {
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: currentUser, staleTime: 60_000 });
  const user = query.data ?? null;
  return { loading: query.isPending, user, isAdmin: user?.sysadmin_flag === true };
}
