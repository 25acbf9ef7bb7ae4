import type { TFunction } from 'i18next';
import { ApiError } from '../api/api-error';

/** Harbor's error codes the portal names in the user's language; others fall back to a generic title. */
const KNOWN_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION',
  'INTERNAL_SERVER_ERROR',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnown(code: string): code is KnownCode {
  return (KNOWN_CODES as readonly string[]).includes(code);
}

/** A failed call as the user reads it: a title in their language and the server's own explanation. */
export function errorText(t: TFunction, error: unknown): { title: string; detail?: string } {
  if (error instanceof ApiError) {
    const title = isKnown(error.code) ? t(`errors.${error.code}`) : t('errors.generic', { status: error.status });
    return { title, detail: error.message };
  }
  if (error instanceof TypeError) return { title: t('errors.network') };
  return { title: t('errors.unexpected'), detail: error instanceof Error ? error.message : undefined };
}
