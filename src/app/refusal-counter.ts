import { Clock } from '../ports/clock';
import { Logger } from '../ports/logger';

interface Window {
  startedAt: number;
  count: number;
  codes: Record<string, number>;
}

/**
 * Refused card actions and decisions by people who hold no role for the request are counted here, not
 * written as request events: a flood of clicks from a bystander must not grow the database. One log
 * line when a person's first refusal of a minute happens, one line with the total when that minute is
 * over (at their next refusal, or at the job runner's next flush). In memory, per process, bounded.
 */
export class RefusalCounter {
  private readonly windows = new Map<string, Window>();
  private totalCount = 0;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: { windowMs?: number; maxTracked?: number } = {},
  ) {}

  private get windowMs(): number {
    return this.options.windowMs ?? 60_000;
  }

  record(actorId: string, code: string): void {
    const now = this.clock.now().getTime();
    const key = actorId || 'unknown';
    let window = this.windows.get(key);
    if (window && (now - window.startedAt >= this.windowMs || now < window.startedAt)) {
      this.report(key, window);
      this.windows.delete(key);
      window = undefined;
    }
    if (!window) {
      window = { startedAt: now, count: 0, codes: {} };
      this.windows.set(key, window);
      this.bound();
    }
    window.count++;
    this.totalCount++;
    window.codes[code] = (window.codes[code] ?? 0) + 1;
    if (window.count === 1) {
      this.logger.warn({ actorId: key, code }, 'action refused: no role for this request (further refusals this minute are counted, not logged)');
    }
  }

  /** Reports and forgets every window that has ended. */
  flush(): void {
    const now = this.clock.now().getTime();
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs || now < window.startedAt) {
        this.report(key, window);
        this.windows.delete(key);
      }
    }
  }

  /** Refusals counted since start (all people). */
  get total(): number {
    return this.totalCount;
  }

  private report(key: string, window: Window): void {
    if (window.count <= 1) return;
    this.logger.warn(
      { actorId: key, refused: window.count, codes: window.codes, since: new Date(window.startedAt).toISOString() },
      'actions refused in one minute: no role for the request',
    );
  }

  private bound(): void {
    const max = this.options.maxTracked ?? 10_000;
    if (this.windows.size <= max) return;
    this.flush();
    for (const [key, window] of this.windows) {
      if (this.windows.size <= max) break;
      this.report(key, window);
      this.windows.delete(key);
    }
  }
}
