/** The reports API's own limit (docs/soa-and-graph.md §4): 5 requests per 10 s per app, sliding window. */
export class AuditThrottle {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 10_000,
  ) {}

  /** null when allowed; otherwise the seconds to wait (fractional, as Graph may send). */
  take(appId: string, now = Date.now()): number | null {
    const recent = (this.hits.get(appId) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(appId, recent);
      const waitMs = this.windowMs - (now - recent[0]);
      return Math.max(0.001, Math.ceil(waitMs) / 1000);
    }
    recent.push(now);
    this.hits.set(appId, recent);
    return null;
  }

  clear(): void {
    this.hits.clear();
  }
}
