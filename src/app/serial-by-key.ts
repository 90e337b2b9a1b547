/**
 * Work run one at a time per key, in the order it was asked for. An instance belongs to its owner
 * (one per composed app), so two apps in one process (tests, the bench) never wait on each other.
 */
export class SerialByKey {
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, work: () => Promise<void>): Promise<void> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    // The next piece of work waits for this one, failed or not; the key is forgotten once nothing waits.
    const tail: Promise<void> = result
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    this.tails.set(key, tail);
    return result;
  }

  /** Keys with work queued or running (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
