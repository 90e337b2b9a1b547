/**
 * Polls `probe` until it answers a truthy value, and returns that value; after `timeoutMs` it throws,
 * naming what was awaited (with the last lines of `output`, e.g. a bot process's log, when given).
 * The one deadline helper of the integration and e2e tests: they wait for a signal (a message, a store
 * state, a log line), never for a guessed delay.
 */
export async function waitUntil<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  output?: () => string[],
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${(output?.() ?? []).slice(-20).join('\n')}`.trimEnd());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
