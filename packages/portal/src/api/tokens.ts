import { apiCall, apiJson } from './http';
import type { PersonalAccessToken, PersonalAccessTokenCreate, PersonalAccessTokenCreated } from './identity-models';
import { apiPage, type ListQuery, type Page } from './paging';

/** A user's personal access tokens. */
export function listTokens(userId: number, query: ListQuery): Promise<Page<PersonalAccessToken>> {
  return apiPage<PersonalAccessToken>(`/users/${userId}/tokens`, query);
}

/** Every user's tokens (administrators). */
export function listAllTokens(query: ListQuery): Promise<Page<PersonalAccessToken>> {
  return apiPage<PersonalAccessToken>('/tokens', query);
}

/** Creates a token; its secret is in the answer, this once. */
export function createToken(userId: number, token: PersonalAccessTokenCreate): Promise<PersonalAccessTokenCreated> {
  return apiJson<PersonalAccessTokenCreated>(`/users/${userId}/tokens`, { method: 'POST', json: token });
}

export function revokeToken(userId: number, tokenId: number): Promise<void> {
  return apiCall(`/users/${userId}/tokens/${tokenId}`, { method: 'DELETE' });
}
