import { AppDeps } from '../../src/app/app-deps';
import { EXPIRY_RECHECK_DONE, ensureExpiryJobs } from '../../src/app/expire-request';
import { silentLogger } from '../../src/adapters/logging/pino-logger';
import { openMemoryStorage } from '../../src/adapters/storage';
import { aRequestEvent, aRequest } from '../support/builders';

function deps() {
  const at = new Date('2026-12-06T08:00:00Z');
  const { requests, jobs, settings: settingsStore } = openMemoryStorage({ clock: { now: () => at } });
  const listed = jest.spyOn(requests, 'listByStatus');
  return { deps: { requests, jobs, settingsStore, clock: { now: () => at }, logger: silentLogger } as unknown as AppDeps, jobs, settingsStore, listed };
}

describe('the one-off expiry re-check of requests made by older versions', () => {
  it('queues one expire job per request waiting before execution, once, and marks the database as done', async () => {
    const { deps: d, jobs, settingsStore } = deps();
    await d.requests.create(aRequest({ id: 'R-PENDING', status: 'pending' }), aRequestEvent({ requestId: 'R-PENDING' }));
    await d.requests.create(aRequest({ id: 'R-SAFEGUARD', kind: 'rollback', status: 'awaiting-safeguard' }), aRequestEvent({ requestId: 'R-SAFEGUARD' }));
    await d.requests.create(aRequest({ id: 'R-DONE', status: 'completed' }), aRequestEvent({ requestId: 'R-DONE' }));

    expect(await ensureExpiryJobs(d)).toBe(2);
    const due = await jobs.claimDue('2030-01-01T00:00:00Z', 10, 30_000, 'test');
    expect(due.map((j) => [j.kind, j.requestId]).sort()).toEqual([
      ['expire', 'R-PENDING'],
      ['expire', 'R-SAFEGUARD'],
    ]);
    expect(await settingsStore.get(EXPIRY_RECHECK_DONE)).toMatchObject({ value: 'true' });
  });

  it('does not scan the requests again on later starts', async () => {
    const { deps: d, listed } = deps();
    await ensureExpiryJobs(d);
    listed.mockClear();
    await d.requests.create(aRequest({ id: 'R-LATER', status: 'pending' }), aRequestEvent({ requestId: 'R-LATER' }));
    expect(await ensureExpiryJobs(d)).toBe(0);
    expect(listed).not.toHaveBeenCalled();
  });

  it('runs on a database whose flag is not set to done', async () => {
    const { deps: d, settingsStore } = deps();
    await settingsStore.set(EXPIRY_RECHECK_DONE, { value: 'false', updatedAt: '2026-01-01T00:00:00Z', updatedBy: null });
    await d.requests.create(aRequest({ id: 'R-OLD', status: 'pending' }), aRequestEvent({ requestId: 'R-OLD' }));
    expect(await ensureExpiryJobs(d)).toBe(1);
  });
});
