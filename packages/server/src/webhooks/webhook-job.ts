import type { JobType } from '../jobs/engine.js';
import type { Store } from '../ports/store.js';
import { deliver } from './delivery.js';
import type { TargetGuard } from './target-guard.js';
import { WEBHOOK_JOB, type WebhookTaskParams } from './webhook-notifier.js';

export interface WebhookJobOptions {
  /** A delivery lasting longer fails (and is retried). */
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** The first retry's delay; it doubles per retry, at most ten minutes. */
  readonly retryDelayMs: number;
}

/** The `Authorization` header of an HTTP target, read from its policy now (it is not kept in the task's params). */
async function authHeaderOf(store: Store, params: WebhookTaskParams): Promise<string> {
  if (params.type !== 'http') return '';
  const target = (await store.webhooks.get(params.policy_id))?.targets[params.target_index];
  return target && target.address === params.address ? target.authHeader : '';
}

/**
 * One delivery (Harbor's WEBHOOK and SLACK jobs): POSTs the task's body to its target through the SSRF guard, with
 * the target's auth header for HTTP targets (never written to the log). A response outside 2xx, a network error, a
 * time-out or a refusal by the guard fails the run, which the engine retries with backoff; the log records the
 * body sent, each hop with the address connected to, and the response's status and first bytes.
 */
export function webhookJob(store: Store, guard: TargetGuard, opts: WebhookJobOptions): JobType<WebhookTaskParams> {
  return {
    name: WEBHOOK_JOB,
    timeoutMs: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    backoff: { baseMs: opts.retryDelayMs, maxMs: Math.max(opts.retryDelayMs, 600_000) },
    async run({ params, log, signal }) {
      const authHeader = await authHeaderOf(store, params);
      log.info(
        `send ${params.event_type} to ${params.address} (${params.type}, ${params.payload_format}` +
          `${authHeader ? ', with its auth header' : ''}${params.skip_cert_verify ? ', certificate not verified' : ''})`,
      );
      log.info(`request body: ${params.payload}`);
      let response;
      try {
        response = await deliver(guard, {
          address: params.address,
          body: params.payload,
          headers: { 'content-type': params.content_type, ...(authHeader ? { authorization: authHeader } : {}) },
          skipCertVerify: params.skip_cert_verify,
          signal,
          timeoutMs: opts.timeoutMs,
        });
      } catch (error) {
        log.error(error instanceof Error ? error.message : String(error));
        throw error;
      }
      for (const hop of response.hops) log.info(`requested ${hop}`);
      log.info(`response: HTTP ${response.status}${response.body ? `, body: ${response.body}` : ''}`);
      if (response.status < 200 || response.status >= 300) {
        throw new Error(`abnormal response code: ${response.status}`);
      }
      return { http_status: response.status };
    },
  };
}
