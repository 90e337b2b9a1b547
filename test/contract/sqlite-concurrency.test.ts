import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openSqliteStorage } from '../../src/adapters/storage';
import { VersionConflictError } from '../../src/ports/request-store';
import { aDecision, aRequestEvent, aRequest } from '../support/builders';
import { tempDir } from './support/storage-implementations';

const dir = tempDir('soa-bot-race-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SQLite stores on one file through several connections', () => {
  it('two SqliteRequestStore instances racing on the same version: exactly one wins', async () => {
    const file = path.join(dir, 'two-connections.db');
    const a = openSqliteStorage({ path: file });
    const b = openSqliteStorage({ path: file });
    const request = aRequest();
    await a.requests.create(request, aRequestEvent());
    const approve = { ...request, status: 'approved' as const, version: 2, decisions: [aDecision()] };
    const reject = { ...request, status: 'rejected' as const, version: 2, decisions: [aDecision({ decision: 'reject' })] };
    const results = await Promise.allSettled([
      a.requests.update(approve, 1, [aRequestEvent({ type: 'decision.approve' })]),
      b.requests.update(reject, 1, [aRequestEvent({ type: 'decision.reject' })]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    expect(await b.requests.get(request.id)).toEqual(approve);
    expect((await b.requests.events(request.id)).map((e) => e.type)).toEqual(['request.created', 'decision.approve']);
    await a.close();
    await b.close();
  });

  describe('worker threads, one connection each, released together', () => {
    const WORKERS = 4;
    const ROUNDS = 25;
    const file = path.join(dir, 'threads.db');
    const arrivals = new SharedArrayBuffer(4 * (ROUNDS + 10));
    let workers: Worker[] = [];
    let slot = 0;

    const next = (w: Worker, type: string): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const onMessage = (m: Record<string, unknown>) => {
          if (m.type !== type) return;
          w.off('message', onMessage).off('error', reject);
          resolve(m);
        };
        w.on('message', onMessage).on('error', reject);
      });
    const everyone = (message: Record<string, unknown>) => {
      const s = slot++;
      const replies = workers.map((w) => next(w, 'result'));
      workers.forEach((w) => w.postMessage({ ...message, slot: s }));
      return Promise.all(replies);
    };

    beforeAll(async () => {
      await openSqliteStorage({ path: file }).close();
      const sqliteModule = path.resolve(__dirname, '../../src/adapters/storage/index.ts');
      workers = Array.from(
        { length: WORKERS },
        () => new Worker(path.join(__dirname, 'support/race-worker.js'), { workerData: { dbPath: file, sqliteModule, arrivals, workers: WORKERS } }),
      );
      await Promise.all(workers.map((w) => next(w, 'ready')));
    });
    afterAll(async () => {
      await Promise.all(
        workers.map((w) => {
          const closed = next(w, 'closed');
          w.postMessage({ type: 'close' });
          return closed;
        }),
      );
      await Promise.all(workers.map((w) => w.terminate()));
    });

    it(`each of ${ROUNDS} rounds of simultaneous updates has exactly one winner`, async () => {
      const storage = openSqliteStorage({ path: file });
      const request = aRequest({ id: 'R-RACE' });
      await storage.requests.create(request, aRequestEvent({ requestId: 'R-RACE' }));
      for (let round = 1; round <= ROUNDS; round++) {
        const outcomes = await everyone({
          type: 'update',
          expectedVersion: round,
          request: { ...request, version: round + 1, justification: `round ${round}` },
          event: aRequestEvent({ requestId: 'R-RACE', type: 'race.update', data: { round } }),
        });
        expect(outcomes.map((o) => o.outcome).sort()).toEqual(['conflict', 'conflict', 'conflict', 'won']);
      }
      expect(await storage.requests.get('R-RACE')).toMatchObject({ version: ROUNDS + 1, justification: `round ${ROUNDS}` });
      const rounds = (await storage.requests.events('R-RACE')).slice(1).map((e) => e.data.round);
      expect(rounds).toEqual(Array.from({ length: ROUNDS }, (_, i) => i + 1));
      await storage.close();
    });

    it('simultaneous claimDue calls hand each job to exactly one worker', async () => {
      const storage = openSqliteStorage({ path: file });
      for (let i = 0; i < 60; i++) {
        await storage.jobs.enqueue({ key: `job-${i}`, kind: 'execute', requestId: 'R-RACE', runAt: '2025-06-01T10:00:00.000Z' });
      }
      const claimed: string[] = [];
      for (let round = 0; round < 5; round++) {
        const replies = await everyone({ type: 'claim', now: '2025-06-01T10:00:00.000Z', limit: 4, leaseMs: 600_000 });
        replies.forEach((r) => expect(r.outcome).toBe('claimed'));
        claimed.push(...replies.flatMap((r) => r.ids as string[]));
      }
      expect(claimed).toHaveLength(60);
      expect(new Set(claimed).size).toBe(60);
      expect(await storage.jobs.claimDue('2025-06-01T10:00:00.000Z', 100, 1000)).toEqual([]);
      await storage.close();
    });

    it('simultaneous notification claimDue calls hand each notification to exactly one worker', async () => {
      const storage = openSqliteStorage({ path: file });
      for (let i = 0; i < 60; i++) {
        await storage.notifications.enqueue({
          key: `C|R-${i}|rollback.approved`,
          channelId: 'C',
          requestId: `R-${i}`,
          event: 'rollback.approved',
          text: `n${i}`,
          at: '2025-06-01T10:00:00.000Z',
        });
      }
      const claimed: string[] = [];
      for (let round = 0; round < 5; round++) {
        const replies = await everyone({ type: 'claim-notifications', now: '2025-06-01T10:00:00.000Z', limit: 4, leaseMs: 600_000 });
        replies.forEach((r) => expect(r.outcome).toBe('claimed'));
        claimed.push(...replies.flatMap((r) => r.ids as string[]));
      }
      expect(claimed).toHaveLength(60);
      expect(new Set(claimed).size).toBe(60);
      expect(await storage.notifications.claimDue('2025-06-01T10:00:00.000Z', 100, 1000)).toEqual([]);
      await storage.close();
    });
  });
});
