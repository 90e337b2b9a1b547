import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { ROLLBACK_ACTIVITY, TRANSFER_ACTIVITY } from '../../../emulator';
import { graphFailure, useEmulator } from './emulator-harness';
import { IDS, testTenant } from './fixtures';

// Audit records of each switch, found with the $filter the bot sends (docs/soa-and-graph.md §4), after the visibility delay.
describe('GET /auditLogs/directoryAudits', () => {
  const { emu, graph } = useEmulator({ seed: testTenant() });
  const since = '2026-01-01T00:00:00Z';
  const filter = (prefix: string, id: string, at = since) =>
    `startswith(activityDisplayName,'${prefix}') and targetResources/any(t:t/id eq '${id}') and activityDateTime ge ${at}`;
  const audits = (f: string) => graph().api('/auditLogs/directoryAudits').filter(f).top(10).orderby('activityDateTime desc').get();

  async function transferAndRollBack(id: string): Promise<void> {
    await graph().api(`/users/${id}/onPremisesSyncBehavior`).patch({ isCloudManaged: true });
    await graph().api(`/users/${id}/onPremisesSyncBehavior`).patch({ isCloudManaged: false });
  }

  it('finds the transfer and the rollback separately by activity prefix and target', async () => {
    await transferAndRollBack(IDS.synced);
    await graph().api(`/users/${IDS.rolledBack}/onPremisesSyncBehavior`).patch({ isCloudManaged: true });
    const transfers = await audits(filter('Change Source of Authority', IDS.synced));
    expect(transfers.value).toHaveLength(1);
    expect(transfers.value[0]).toMatchObject({ activityDisplayName: TRANSFER_ACTIVITY, targetResources: [{ id: IDS.synced }] });
    const rollbacks = await audits(filter('Undo changes to Source of Authority', IDS.synced));
    expect(rollbacks.value.map((r: { activityDisplayName: string }) => r.activityDisplayName)).toEqual([ROLLBACK_ACTIVITY]);
  });

  it('accepts the clauses in any order, parenthesised, with doubled quotes', async () => {
    await transferAndRollBack(IDS.synced);
    const reordered = `activityDateTime ge ${since} and (targetResources/any(x:x/id eq '${IDS.synced}')) and startswith(activityDisplayName,'Change Source')`;
    expect((await audits(reordered)).value).toHaveLength(1);
    expect((await audits(`activityDisplayName eq 'it''s not there'`)).value).toHaveLength(0);
  });

  it('activityDateTime ge excludes older records; newest first', async () => {
    await transferAndRollBack(IDS.synced);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await audits(filter('Change', IDS.synced, future))).value).toHaveLength(0);
    const all = await graph().api('/auditLogs/directoryAudits').get();
    expect(all.value.map((r: { activityDisplayName: string }) => r.activityDisplayName)).toEqual([ROLLBACK_ACTIVITY, TRANSFER_ACTIVITY]);
  });

  it('an unsupported filter is a 400', async () => {
    const err = await graphFailure(audits(`activityDisplayName eq 'a' or category eq 'b'`));
    expect(err.statusCode).toBe(400);
  });

  it('records become visible only after auditDelayMs', async () => {
    emu().control.setAuditDelay(400);
    await graph().api(`/users/${IDS.synced}/onPremisesSyncBehavior`).patch({ isCloudManaged: true });
    expect((await audits(filter('Change', IDS.synced))).value).toHaveLength(0);
    expect(emu().control.audits()).toHaveLength(1);
    // Real time is what is tested: the emulator's audit delay runs on its own (real) clock.
    await new Promise((r) => setTimeout(r, 450));
    expect((await audits(filter('Change', IDS.synced))).value).toHaveLength(1);
  });

  it('the optional reports throttle answers the 6th request in 10 s with 429 and Retry-After', async () => {
    emu().control.setBehaviour({ auditThrottle: true });
    const noRetry = [new RetryHandlerOptions(0, 0)];
    for (let i = 0; i < 5; i++) await graph().api('/auditLogs/directoryAudits').middlewareOptions(noRetry).get();
    const err = await graphFailure(graph().api('/auditLogs/directoryAudits').middlewareOptions(noRetry).get());
    expect(err).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    const retryAfter = Number(err.headers?.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10);
  });
});
