import { Logger } from '../ports/logger';
import { RequestStore } from '../ports/request-store';
import { readiness } from './health';

export interface ReadinessState {
  ready: boolean;
  /** For the log only: /readyz answers ready or not ready, nothing more. */
  reasons: string[];
}

/**
 * /readyz from cached state, so a probe never waits on anything: whether the database answered its
 * last check (checked in the background every `checkEveryMs`, each check given up after `timeoutMs`)
 * and whether this instance is draining (SIGTERM). Graph and Entra are never asked here: the token's
 * state is business state, shared by every instance, and is reported by the start-up log and `health`.
 */
export class ReadinessMonitor {
  private storeOk = true;
  private draining = false;
  private checking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: { requests: RequestStore; logger: Logger },
    private readonly options: { checkEveryMs: number; timeoutMs: number },
  ) {}

  /** One database check now (the start-up one is awaited; later ones run on the timer). */
  check(): Promise<void> {
    this.checking ??= this.probeStore().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.checkEveryMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** From SIGTERM on, /readyz says not ready (the platform stops sending new traffic). */
  drain(): void {
    this.draining = true;
  }

  current(): ReadinessState {
    const reasons: string[] = [];
    if (this.draining) reasons.push('draining');
    if (!this.storeOk) reasons.push('database unreachable');
    return { ready: reasons.length === 0, reasons };
  }

  private async probeStore(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.timeoutMs);
      timer.unref?.();
    });
    // health.ts says what "can serve" is (the database answers); this adds the timeout and the cache.
    const answered = readiness(this.deps, { shuttingDown: () => false }).then(
      (r) => r.ready,
      () => false,
    );
    const ok = await Promise.race([answered, timeout]);
    clearTimeout(timer);
    if (ok !== this.storeOk) {
      if (ok) this.deps.logger.info({}, 'the database answers again');
      else this.deps.logger.warn({ timeoutMs: this.options.timeoutMs }, 'the database did not answer its readiness check');
    }
    this.storeOk = ok;
  }
}
