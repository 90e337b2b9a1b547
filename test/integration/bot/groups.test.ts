import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { GroupSeed } from '../../../emulator/types';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardProblems } from '../../support/card-validation';
import { cardText } from '../../support/card-text';
import { ConversationSpec, messageActivity } from '../../support/teams-activities';
import { exportRequests } from '../../../src/app/tab/export-requests';
import { requestDetail } from '../../../src/app/tab/request-detail';
import { CHANNEL, DEMO_IDS, PEOPLE, VERBS, click, findRequestCard, requestInChannel, waitForAuditVisible, waitForStatus, waitForText } from './flow-helpers';
import { waitUntil } from '../../support/wait-until';

/**
 * Group Source of Authority (docs/soa-and-graph.md §6a) through /api/messages and the Graph emulator:
 * each preflight outcome, a three-level tree converted bottom-up with a failure that halts the parents,
 * a group rollback, and the order guidance on a user transfer.
 */
const NOTIFY: ConversationSpec = { kind: 'channel', id: '19:group-notify@thread.tacv2', teamId: CHANNEL.teamId, channelId: '19:group-notify@thread.tacv2' };
const gid = (n: number) => `5d0a0007-0000-4000-8000-${String(n).padStart(12, '0')}`;
const G = {
  root: gid(1),
  mid: gid(2),
  leaf: gid(3),
  cloud: gid(4),
  done: gid(5),
  waiting: gid(6),
  mail: gid(7),
  tier0: gid(8),
  admins: gid(9),
  dupA: gid(10),
  dupB: gid(11),
  rbMembers: gid(12),
  rbPackage: gid(13),
  rbOk: gid(14),
};
const synced = (id: string, displayName: string, members: string[] = [], extra: Partial<GroupSeed> = {}): GroupSeed => ({
  id,
  displayName,
  onPremisesSyncEnabled: true,
  onPremisesImmutableId: `anchor-${id.slice(-4)}`,
  onPremisesLastSyncDateTime: '2026-11-01T08:00:00Z',
  members,
  ...extra,
});
const transferred = (id: string, displayName: string, members: string[] = []): GroupSeed => ({
  id,
  displayName,
  onPremisesSyncEnabled: null,
  onPremisesImmutableId: `anchor-${id.slice(-4)}`,
  isCloudManaged: true,
  members,
});

describe('group source of authority', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { PROTECTED_GROUP_IDS: G.tier0, AUDIT_LOOKUP_TIMEOUT: '5s', ROLLBACK_WATCH_INTERVAL: '5m', ROLLBACK_WATCH_TIMEOUT: '24h' },
    });
    h.emulator.control.setAuditDelay(200);
    const demo = demoTenant();
    const catalog = demo.catalogs![0];
    h.emulator.control.seed({
      ...demo,
      groups: [
        ...(demo.groups ?? []),
        // Three levels, and the leaf holds the root again: a nesting loop that must not loop the bot.
        synced(G.root, 'Org (AD)', [G.mid, DEMO_IDS.users.alice]),
        synced(G.mid, 'Dept (AD)', [G.leaf]),
        synced(G.leaf, 'Team (AD)', [G.root, DEMO_IDS.users.bob]),
        { id: G.cloud, displayName: 'Cloud native group', members: [] },
        transferred(G.done, 'Already moved'),
        {
          id: G.waiting,
          displayName: 'Rolled back group',
          onPremisesSyncEnabled: null,
          onPremisesImmutableId: 'anchor-wait',
          isCloudManaged: false,
          members: [],
        },
        synced(G.mail, 'Sales DL (AD)', [], { mailEnabled: true }),
        { id: G.tier0, displayName: 'Tier 0', members: [G.admins] },
        synced(G.admins, 'Admins (AD)'),
        synced(G.dupA, 'Dup (AD)'),
        synced(G.dupB, 'Dup (AD)'),
        // grace is cloud-native: a cloud-only member that blocks the rollback.
        transferred(G.rbMembers, 'Rollback members (AD)', [DEMO_IDS.users.grace, DEMO_IDS.users.alice]),
        transferred(G.rbPackage, 'Rollback package (AD)', [DEMO_IDS.users.bob]),
        transferred(G.rbOk, 'Rollback ok (AD)', [DEMO_IDS.users.bob]),
      ],
      catalogs: [
        {
          ...catalog,
          // The group is a resource of the catalog and an access package uses it (docs/soa-and-graph.md §6.1).
          resources: [
            ...(catalog.resources ?? []),
            { id: '5d0a0008-0000-4000-8000-000000000002', displayName: 'Rollback package (AD)', originId: G.rbPackage },
          ],
          accessPackages: [
            ...(catalog.accessPackages ?? []),
            { id: '5d0a0008-0000-4000-8000-000000000001', displayName: 'Package using a group', groupIds: [G.rbPackage] },
          ],
        },
      ],
    });
  });
  afterAll(() => h.stop());

  const say = (text: string, from = PEOPLE.rita) => h.send(messageActivity({ serviceUrl: h.connector.url, from, text, conversation: CHANNEL }));
  const groupPatches = (id: string, ok = true) =>
    h.emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.endsWith(`/groups/${id}/onPremisesSyncBehavior`) && (!ok || c.status < 300));
  const groupState = (id: string) => h.emulator.state.groups.get(id)!;
  // Replies and cards escape markdown (\( \) \"): the assertions read them as plain text.
  const plain = (text: string) => text.replace(/\\/g, '');
  const waitPlain = (pattern: RegExp) =>
    h.connector.waitFor(() =>
      h.connector
        .posts(CHANNEL.id)
        .map((p) => plain(p.activity.text ?? ''))
        .find((t) => pattern.test(t)),
    );
  const cardPlain = (card: Record<string, unknown>) => plain(cardText(card));

  it.each([
    ['a cloud-native group', `transfer group ${gid(4)}`, /Cloud native group: Cloud-native group \(never synced from AD DS\)/],
    [
      'an already transferred group',
      'transfer group Already moved',
      /Already moved: Already transferred: the group's source of authority is already the cloud/,
    ],
    [
      'a group rolled back and waiting for the sync client',
      'transfer group Rolled back group',
      /Rolled back group: Not currently synced from AD DS \(rolled back and waiting for the sync client/,
    ],
    ['a group nested in a protected group', 'transfer group Admins (AD)', /Admins \(AD\): Protected group \(in PROTECTED_GROUP_IDS, or nested in one of them/],
    ['an ambiguous name', 'transfer group Dup (AD)', new RegExp(`Several groups are named "Dup \\(AD\\)": .*${G.dupA}.*${G.dupB}.*Use the object id`)],
    ['an unknown name', 'transfer group Nobody here', /No group is named exactly "Nobody here"/],
  ])('refuses %s with the reason, and creates no request', async (_case, text, reason) => {
    const before = (await h.app.deps.requests.listByStatus(['pending'])).length;
    await say(text);
    await waitPlain(reason); // throws when the reason never comes
    expect(await h.app.deps.requests.listByStatus(['pending'])).toHaveLength(before);
  });

  it('allows a mail-enabled group with the Exchange Online warning', async () => {
    const posted = await requestInChannel(h, 'transfer group Sales DL (AD) reason: DL to cloud');
    expect(cardProblems(posted.card)).toEqual([]);
    const text = cardPlain(posted.card);
    expect(text).toMatch(/Groups to transfer \(1\)/);
    expect(text).toMatch(/Mail-enabled group: after the transfer it is read-only in Entra ID and Graph and managed in Exchange Online/);
    expect(text).toContain(`groupId/${G.mail}`);
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    expect(request.targetType).toBe('group');
    expect(request.targets.map((t) => t.preflight.userId)).toEqual([G.mail]);
  });

  it('lists the nested groups still in AD when only the parent is asked for', async () => {
    const posted = await requestInChannel(h, 'transfer group Dept (AD) reason: parent only');
    expect(cardPlain(posted.card)).toMatch(/Nested groups still managed in AD DS: "Team \(AD\)"/);
    await click(h, PEOPLE.adam, VERBS.reject, posted, CHANNEL, { comment: 'children first' });
    await waitForStatus(h, posted.requestId, 'rejected');
  });

  it('converts a three-level tree bottom-up; a failure halts before the parents, and a resume converts nothing twice', async () => {
    const posted = await requestInChannel(h, 'transfer group Org (AD) with nested groups reason: wave 0');
    expect(cardProblems(posted.card)).toEqual([]);
    const text = cardPlain(posted.card);
    expect(text).toMatch(/Groups to transfer \(3\): in this order, the most deeply nested first/);
    expect(text).toMatch(new RegExp(`1\\. [^\\n]*${G.leaf}[\\s\\S]*2\\. [^\\n]*${G.mid}[\\s\\S]*3\\. [^\\n]*${G.root}`));
    expect(text).toMatch(/1\. ↳ ↳ .*Team \(AD\).*level 2/);
    expect(text).toMatch(/3\. .*Org \(AD\).*level 0/);
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    expect(request.targets.map((t) => t.preflight.userId)).toEqual([G.leaf, G.mid, G.root]);
    expect(request.bulk).toMatchObject({ waves: [1, 1, 1], tree: true, haltFailureRate: 0 });
    expect(text).toMatch(/Order: one wave per nesting level, deepest first: 1 → 1 → 1 groups; any failure halts before the parents/);

    h.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/groups/${G.mid}/onPremisesSyncBehavior$`,
      status: 400,
      graphCode: 'Request_BadRequest',
      times: -1,
    });
    const approved = await click(h, PEOPLE.adam, VERBS.approve, posted);
    expect(cardText(approved.body.value)).toMatch(/The transfer of 3 group\(s\) is starting/);
    await waitForStatus(h, posted.requestId, 'halted', 20_000);
    await waitPlain(/Halted at nesting level 1 .*no parent group was touched/);
    expect(groupState(G.leaf)).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null });
    expect(groupState(G.mid).isCloudManaged).toBe(false);
    expect(groupState(G.root).isCloudManaged).toBe(false);
    expect(groupPatches(G.root, false)).toHaveLength(0);

    h.emulator.control.clearFaults();
    const halted = (await h.app.deps.requests.get(posted.requestId))!;
    await click(h, PEOPLE.adam, VERBS.resume, { ...posted, version: halted.cardVersion });
    await waitForStatus(h, posted.requestId, 'completed', 20_000);
    for (const id of [G.leaf, G.mid, G.root]) {
      expect(groupState(id).isCloudManaged).toBe(true);
      expect(groupPatches(id)).toHaveLength(1);
    }
    // The audit records of the three switches: type Group, found and stored with the request.
    const records = h.emulator.control.audits().filter((a) => a.targetResources.some((t) => [G.leaf, G.mid, G.root].includes(t.id)));
    expect(records.map((r) => r.targetResources[0].type)).toEqual(['Group', 'Group', 'Group']);
    // The audit search is a job on the bot's clock: once the emulator shows the records, move the clock
    // past the search's next try so it runs and finds them.
    await waitForAuditVisible(h, [G.leaf, G.mid, G.root], 200);
    h.clock.advance(1_000);
    await waitUntil(
      async () => (await h.app.deps.requests.get(posted.requestId))!.targets.every((t) => t.audit.status === 'found'),
      'the audit records of the three groups',
      15_000,
    );
    expect(await waitForText(h, /Audit records for/)).toMatch(/Change Source of Authority/);
  });

  it('refuses a group rollback while cloud-only members or access packages hold it, naming them', async () => {
    await say('rollback group Rollback members (AD) reason: back');
    expect(await waitPlain(/Rollback members \(AD\): The group has cloud-only members.*Cloud-only members to remove: "grace@contoso.com"/)).not.toMatch(
      /alice/,
    );
    await say('rollback group Rollback package (AD) reason: back');
    await waitPlain(/Rollback package \(AD\): The group is used by access packages.*"Package using a group"/);
  });

  it('rolls a group back through the safeguard step, follows it until the sync client takes it back, and notifies as for users', async () => {
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'notify here', conversation: NOTIFY }));
    await waitForText(h, /will now get a thread for every rollback/, NOTIFY.id);
    const posted = await requestInChannel(h, 'rollback group Rollback ok (AD) reason: back to AD');
    expect(cardPlain(posted.card)).toMatch(/Groups to roll back \(1\)/);
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    await waitForStatus(h, posted.requestId, 'awaiting-safeguard');
    h.emulator.control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    await click(h, PEOPLE.adam, VERBS.confirmSafeguard, { ...posted, version: posted.version + 1 });
    await waitForStatus(h, posted.requestId, 'awaiting-sync');
    expect(groupState(G.rbOk)).toMatchObject({ isCloudManaged: false, onPremisesSyncEnabled: null });
    expect(groupPatches(G.rbOk)).toHaveLength(1);
    h.emulator.control.runSyncCycle();
    h.clock.advance(5 * 60_000 + 1000);
    await h.app.runner.runDue();
    await waitForStatus(h, posted.requestId, 'completed');
    expect(groupState(G.rbOk).onPremisesSyncEnabled).toBe(true);
    const note = await h.connector.waitFor(
      () =>
        h.connector
          .posts()
          .filter((p) => p.conversationId.startsWith(NOTIFY.id))
          .map((p) => plain(p.activity.text ?? ''))
          .find((t) => new RegExp(`Rollback ${posted.requestId} completed`).test(t)),
      10_000,
    );
    expect(note).toMatch(new RegExp(`Groups: \\[Rollback ok \\(AD\\) \\(${G.rbOk}\\)\\]\\(https://entra\\.microsoft\\.com/.*groupId/${G.rbOk}\\)`));
  });

  it("warns on a user transfer about the users' groups still in AD, and its button requests them as the person who clicks", async () => {
    const posted = await requestInChannel(h, 'transfer bob@contoso.com reason: user wave');
    const text = cardPlain(posted.card);
    expect(text).toMatch(/Groups of these users still managed in AD DS: .*"Sales \(AD\)".*Microsoft recommends transferring groups before their members/);
    expect(JSON.stringify(posted.card)).toContain(VERBS.requestGroups);
    expect(cardProblems(posted.card)).toEqual([]);
    const answer = await click(h, PEOPLE.rita, VERBS.requestGroups, posted);
    expect(JSON.stringify(answer.body)).toMatch(/for \d group\(s\) was created/);
    const groupCard = findRequestCard(h)!;
    expect(groupCard.requestId).not.toBe(posted.requestId);
    const created = (await h.app.deps.requests.get(groupCard.requestId))!;
    expect(created).toMatchObject({ targetType: 'group', requester: { aadObjectId: PEOPLE.rita.aadObjectId } });
    expect(created.targets.map((t) => t.preflight.userId)).toContain(DEMO_IDS.groups.sales);
    // A bystander holds no role for the user request: nothing is created for them.
    const before = (await h.app.deps.requests.listByStatus(['pending'])).length;
    await click(h, PEOPLE.ben, VERBS.requestGroups, posted);
    expect(await h.app.deps.requests.listByStatus(['pending'])).toHaveLength(before);
  });

  it('transfer members of <group> carries the same order guidance', async () => {
    const posted = await requestInChannel(h, 'transfer members of Sales (AD) reason: members wave');
    expect(cardPlain(posted.card)).toMatch(/Groups of these users still managed in AD DS: .*"Sales \(AD\)"/);
    expect(cardProblems(posted.card)).toEqual([]);
  });

  it('status group shows the state and the nested groups still in AD', async () => {
    await say('status group Sales DL (AD)');
    expect(await waitPlain(/Sales DL \(AD\).*\n- State: Synced from AD DS/)).toMatch(/mail-enabled: yes/);
  });

  it('records and the export show the target type, and the Graph calls name the group path', async () => {
    const viewer = {
      person: { aadObjectId: PEOPLE.adam.aadObjectId, name: PEOPLE.adam.name },
      roles: { admin: true, approver: true, 'rollback-approver': true, requester: false },
    };
    const answer = exportRequests(h.app.deps, viewer, {}, 'json');
    if (!answer.ok) throw new Error(answer.text);
    let json = '';
    for await (const chunk of answer.value) json += chunk;
    const rows = JSON.parse(json) as { id: string; target_type: string }[];
    expect(new Set(rows.map((r) => r.target_type))).toEqual(new Set(['user', 'group']));
    const tree = (await h.app.deps.requests.listByStatus(['completed'])).find((r) => r.targets.some((t) => t.preflight.userId === G.root))!;
    expect(rows.find((r) => r.id === tree.id)?.target_type).toBe('group');
    const shown = await requestDetail(h.app.deps, viewer, tree.id);
    if (!shown.ok) throw new Error(shown.text);
    const detail = shown.value;
    expect(detail).toMatchObject({
      targetType: 'group',
      targets: [
        { userId: G.leaf, depth: 2 },
        { userId: G.mid, depth: 1 },
        { userId: G.root, depth: 0 },
      ],
    });
    expect(detail.graphCalls.filter((c) => c.ok).map((c) => c.path)).toEqual([G.leaf, G.mid, G.root].map((id) => `/v1.0/groups/${id}/onPremisesSyncBehavior`));
  });
});
