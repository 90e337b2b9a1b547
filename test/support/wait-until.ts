import { JobQueue } from '../../src/ports/job-queue';

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

/**
 * Waits until a job queue has nothing left to do now: no job due at `now()` and none held by a worker,
 * three polls in a row. "Nothing (more) happened" is then checked against a quiet bot, not after a
 * guessed delay: any work the earlier input queued has run by then.
 */
export async function waitUntilIdle(jobs: Pick<JobQueue, 'nextRunAt' | 'leaseHolders'>, now: () => Date, timeoutMs = 10_000): Promise<void> {
  let quietRounds = 0;
  await waitUntil(
    async () => {
      const at = now().toISOString();
      const next = await jobs.nextRunAt();
      const busy = (next !== null && next <= at) || (await jobs.leaseHolders(at)).length > 0;
      quietRounds = busy ? 0 : quietRounds + 1;
      return quietRounds >= 3;
    },
    'the bot to have no work due or running',
    timeoutMs,
  );
}
