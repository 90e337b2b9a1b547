import { Clock } from '../../src/ports/clock';

/**
 * A Clock whose time only moves when the test moves it: the use-case tests' clock and the bot
 * harness's. Use cases that compare times (the PATCH settle window, expiry, back-off, the audit search)
 * then behave the same on a loaded CI machine as on a laptop.
 */
export class VirtualClock implements Clock {
  private ms: number;

  constructor(start: string | Date = '2026-03-02T09:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }

  /** Moves to an instant (never backwards: a test that needs that says so with advance(-n)). */
  setTo(at: string | Date): Date {
    const target = new Date(at).getTime();
    if (target < this.ms) throw new Error(`VirtualClock.setTo would go back in time (${new Date(target).toISOString()})`);
    this.ms = target;
    return this.now();
  }

  iso(offsetMs = 0): string {
    return new Date(this.ms + offsetMs).toISOString();
  }
}
