import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/api-error';

export const SESSION_KEY = ['session'] as const;

/**
 * The portal's query client. A 401 from any query means the session ended: the session query is refreshed and the
 * app returns to the sign-in page. Errors that a retry cannot fix (4xx) are not retried.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== SESSION_KEY[0]) {
          void client.invalidateQueries({ queryKey: SESSION_KEY });
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      },
    },
  });
  return client;
}
