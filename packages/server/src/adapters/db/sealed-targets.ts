/**
 * Webhook targets' auth headers are stored sealed by the secret box (lib/secret-box.ts), bound to this context; the
 * targets column is Harbor's WebhookTargetObject list as JSON, `auth_header` the only secret in it.
 */
export const WEBHOOK_AUTH_HEADER = 'webhook.auth_header';

/** `targets` (JSON text) with every non-empty `auth_header` replaced by `change(header)`; the same text if none changed. */
export function sealTargets(targets: string, change: (header: string) => string): string {
  const parsed = JSON.parse(targets) as { auth_header?: string }[];
  let changed = false;
  for (const target of parsed) {
    if (typeof target.auth_header === 'string' && target.auth_header !== '') {
      const next = change(target.auth_header);
      if (next !== target.auth_header) {
        target.auth_header = next;
        changed = true;
      }
    }
  }
  return changed ? JSON.stringify(parsed) : targets;
}
