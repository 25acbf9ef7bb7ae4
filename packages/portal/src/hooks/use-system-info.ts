import { useQuery } from '@tanstack/react-query';
import { systemInfo } from '../api/system';

/** GET /systeminfo, shared through the query cache: the authentication mode, self-registration, the OIDC name. */
export function useSystemInfo() {
  return useQuery({ queryKey: ['systeminfo'], queryFn: systemInfo, staleTime: 60_000 });
}
