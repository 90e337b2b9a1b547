import { Client } from 'pg';
import { PostgresStorage, openPostgresStorage } from '../../src/adapters/storage';
import { VersionConflictError } from '../../src/ports/request-store';
import { aRequestEvent, aRequest } from '../support/builders';
import { TestPostgres, testPostgres } from '../support/postgres-server';

/**
 * Two SOA Bot instances on one PostgreSQL database: two Storage objects, each with its own pool, so
 * their statements really run side by side on the server.
 */
const T0 = '2025-06-01T10:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const MIN = 60_000;

describe('PostgreSQL stores shared by two instances', () => {
  let server: TestPostgres;
  let url: string;
  let a: PostgresStorage;
  let b: PostgresStorage;

  beforeAll(async () => {
    server = await testPostgres();
    url = await server.createDatabase('race');
    // Started together: the migration lock makes one of them migrate and the other wait.
    [a, b] = await Promise.all([openPostgresStorage({ url, poolSize: 10 }), openPostgresStorage({ url, poolSize: 10 })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (url) await server.dropDatabase(url);
  });

  /** Alternates between the instances: even attempts go to A, odd ones to B. */
  const either = (i: number) => (i % 2 === 0 ? a : b);

  it('hundreds of simultaneous updates of one version: exactly one wins per round, and only its event is written', async () => {
    const ROUNDS = 10;
    const ATTEMPTS = 60; // per round, 30 from each instance: 600 attempts in all
    const request = aRequest({ id: 'R-RACE' });
    await a.requests.create(request, aRequestEvent({ requestId: 'R-RACE' }));
    const winners: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: ATTEMPTS }, (_, i) =>
          either(i).requests.update({ ...request, version: round + 1, justification: `round ${round} attempt ${i}` }, round, [
            aRequestEvent({ requestId: 'R-RACE', type: 'race.update', data: { round, attempt: i } }),
          ]),
        ),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      outcomes.forEach((o) => {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(VersionConflictError);
      });
      winners.push(won[0]);
    }
    const final = await b.requests.get('R-RACE');
    expect(final).toMatchObject({ version: ROUNDS + 1, justification: `round ${ROUNDS} attempt ${winners[ROUNDS - 1]}` });
    const events = (await a.requests.events('R-RACE')).slice(1);
    expect(events.map((e) => e.data)).toEqual(winners.map((attempt, i) => ({ round: i + 1, attempt })));
  });

  it('events appended to one request by both instances at once all land, in distinct sequence', async () => {
    await a.requests.create(aRequest({ id: 'R-EVENTS' }), aRequestEvent({ requestId: 'R-EVENTS' }));
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => either(i).requests.appendEvents([aRequestEvent({ requestId: 'R-EVENTS', type: 'graph.call', data: { i } })])),
    );
    const events = await b.requests.events('R-EVENTS');
    expect(events).toHaveLength(101);
    expect(new Set(events.slice(1).map((e) => e.data.i)).size).toBe(100);
  });

  it('simultaneous claimDue from both instances hands each job out exactly once', async () => {
    const JOBS = 240;
    for (let i = 0; i < JOBS; i++) {
      await either(i).jobs.enqueue({ key: `race-job-${i}`, kind: 'execute', requestId: `R-${i}`, runAt: at(-(i % 7) * 1000) });
    }
    const claimed: string[] = [];
    for (let round = 0; round < 10 && claimed.length < JOBS; round++) {
      const batches = await Promise.all(Array.from({ length: 16 }, (_, i) => either(i).jobs.claimDue(T0, 5, 10 * MIN)));
      claimed.push(...batches.flat().map((j) => j.id));
    }
    expect(claimed).toHaveLength(JOBS);
    expect(new Set(claimed).size).toBe(JOBS);
    expect(await a.jobs.claimDue(at(MIN), 100, MIN)).toEqual([]);
    expect(await b.jobs.claimDue(at(MIN), 100, MIN)).toEqual([]);
    for (const id of claimed) await a.jobs.complete(id);
  });

  it('enqueueing one key from both instances at once creates one job', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => either(i).jobs.enqueue({ key: 'expire:R-DUP', kind: 'expire', requestId: 'R-DUP', runAt: T0 })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const jobs = await b.jobs.claimDue(T0, 100, MIN);
    expect(jobs.map((j) => j.requestId)).toEqual(['R-DUP']);
    await b.jobs.complete(jobs[0].id);
  });

  it('a job claimed by an instance that then dies is taken over by the other once the lease ends, not before', async () => {
    const dyingUrl = new URL(url);
    dyingUrl.searchParams.set('application_name', 'soa-bot-dying');
    const dying = await openPostgresStorage({ url: dyingUrl.toString(), poolSize: 2 });
    await dying.jobs.enqueue({ key: 'audit:R-DEAD', kind: 'audit-lookup', requestId: 'R-DEAD', runAt: T0, state: { polls: 3 } });
    const [taken] = await dying.jobs.claimDue(T0, 10, 5 * MIN);
    expect(taken).toMatchObject({ requestId: 'R-DEAD', attempts: 1 });
    // SIGKILL leaves no chance to complete or hand back: its connections just go away.
    const admin = new Client({ connectionString: server.adminUrl });
    await admin.connect();
    const killed = await admin
      .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'soa-bot-dying'")
      .finally(() => admin.end());
    expect(killed.rowCount).toBeGreaterThan(0);
    await dying.close();

    expect(await b.jobs.claimDue(at(MIN), 10, 5 * MIN)).toEqual([]);
    expect(await a.jobs.claimDue(at(5 * MIN - 1), 10, 5 * MIN)).toEqual([]);
    expect(await b.jobs.nextRunAt()).toBe(at(5 * MIN));
    const [again] = await b.jobs.claimDue(at(5 * MIN), 10, 5 * MIN);
    expect(again).toEqual({ ...taken, attempts: 2 });
    expect(await a.jobs.claimDue(at(6 * MIN), 10, 5 * MIN)).toEqual([]);
    await b.jobs.complete(again.id);
    expect(await a.jobs.claimDue(at(60 * MIN), 10, MIN)).toEqual([]);
  });

  it('simultaneous notification claimDue from both instances hands each notification out exactly once', async () => {
    const NOTES = 150;
    for (let i = 0; i < NOTES; i++) {
      await either(i).notifications.enqueue({
        key: `C|R-${i}|rollback.approved`,
        channelId: 'C',
        requestId: `R-${i}`,
        event: 'rollback.approved',
        text: `n${i}`,
        at: T0,
      });
    }
    const claimed: string[] = [];
    for (let round = 0; round < 10 && claimed.length < NOTES; round++) {
      const batches = await Promise.all(Array.from({ length: 16 }, (_, i) => either(i).notifications.claimDue(T0, 4, 10 * MIN)));
      claimed.push(...batches.flat().map((n) => n.id));
    }
    expect(claimed).toHaveLength(NOTES);
    expect(new Set(claimed).size).toBe(NOTES);
    expect(await b.notifications.claimDue(at(MIN), 1000, MIN)).toEqual([]);
    // after the lease the other instance may retry the ones never marked sent
    expect(await a.notifications.claimDue(at(10 * MIN), 1000, MIN)).toHaveLength(NOTES);
  });

  it('claimOnce of one business key from both instances at once: exactly one true', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => either(i).conversations.claimOnce('invoke:act-race', T0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a request created on one instance is finished on the other; a freeze set on one is seen by the other', async () => {
    const request = aRequest({ id: 'R-AB' });
    await a.requests.create(request, aRequestEvent({ requestId: 'R-AB' }));
    await b.requests.update({ ...request, status: 'approved', version: 2 }, 1, [aRequestEvent({ requestId: 'R-AB', type: 'decision.approve' })]);
    await expect(a.requests.update({ ...request, status: 'rejected', version: 2 }, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await a.requests.get('R-AB'))!.status).toBe('approved');
    await a.settings.set('executions.frozen', { value: 'true', updatedAt: T0, updatedBy: 'admin' });
    expect((await b.settings.get('executions.frozen'))!.value).toBe('true');
  });
});
