/**
 * Backoff of a candidate's model across ticks: after a failed answer the model is not asked again for
 * `initialMs`, doubling per consecutive failure up to `maxMs`; a good answer resets it. Kept per
 * candidate and per kind of call (forecast, execute; validate per vote), in memory.
 */
export class ModelBackoff {
  private readonly state = new Map<string, { failures: number; until: number; reason: string }>();

  constructor(private readonly options: { initialMs: number; maxMs: number }) {}

  /** Whether the model may be asked now; otherwise when, and why it is waiting. */
  ready(
    key: string,
    now = Date.now(),
  ): { ok: true } | { ok: false; until: number; failures: number; reason: string } {
    const s = this.state.get(key);
    if (!s || now >= s.until) return { ok: true };
    return { ok: false, until: s.until, failures: s.failures, reason: s.reason };
  }

  /** Records a failure; returns the wait before the next call (ms). */
  failed(key: string, reason: string, now = Date.now()): number {
    const failures = (this.state.get(key)?.failures ?? 0) + 1;
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** (failures - 1));
    this.state.set(key, { failures, until: now + delay, reason });
    return delay;
  }

  succeeded(key: string) {
    this.state.delete(key);
  }

  failures(key: string): number {
    return this.state.get(key)?.failures ?? 0;
  }
}
