import { useQuery } from '@tanstack/react-query';
import { systemInfo } from '../api/system';

/** The registry's address for docker commands: what the server reports, else the address the portal is on. */
export function useRegistryHost(): string {
  const info = useQuery({ queryKey: ['systeminfo'], queryFn: systemInfo, staleTime: 300_000 });
  return info.data?.registry_url || window.location.host;
}
