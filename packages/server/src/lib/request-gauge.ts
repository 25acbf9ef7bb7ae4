/**
 * Counts the HTTP requests being served (the HTTP layer calls `begin` and `end`), so that background work such as
 * garbage collection can tell whether requests are waiting for the event loop and yield to them.
 */
export class RequestGauge {
  private open = 0;
  private count = 0;

  /** Requests begun and not yet answered or aborted. */
  get inFlight(): number {
    return this.open;
  }

  /** Requests begun since the process started. */
  get started(): number {
    return this.count;
  }

  begin(): void {
    this.open++;
    this.count++;
  }

  end(): void {
    if (this.open > 0) this.open--;
  }
}
