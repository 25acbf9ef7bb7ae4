import type { WharfConfig } from './config/index.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { AuthDecisionSink } from './services/auth-events.js';
import type { Authenticator } from './services/authenticator.js';
import { LoginGuard } from './services/login-guard.js';
import { SessionService } from './services/sessions.js';

/** Password logins (throttled, recorded) and portal sessions, sharing one Authenticator and its cache. */
export function authenticationOf(
  config: Readonly<WharfConfig>,
  store: Store,
  authenticator: Authenticator,
  events: AuthDecisionSink,
  clock: Clock,
) {
  const { login } = config;
  const policy = {
    pairLockAfter: login.pairLockAfter,
    addressLockAfter: login.addressLockAfter,
    accountLockAfter: login.accountLockAfter,
    lockSeconds: login.lockDuration,
    maxLockSeconds: login.maxLockDuration,
    accountMaxLockSeconds: login.accountMaxLockDuration,
    failureWindowSeconds: login.failureWindow,
  };
  const guard = new LoginGuard(store, authenticator, events, policy, clock);
  const sessions = new SessionService(store, authenticator, {
    idleSeconds: config.sessions.idleTimeout,
    absoluteSeconds: config.sessions.absoluteTimeout,
    now: () => clock.now(),
  });
  return { guard, sessions, events, cookies: { baseUrl: config.http.baseUrl } };
}
