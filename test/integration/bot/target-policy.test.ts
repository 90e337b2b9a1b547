import { bulkUserId, syncedUsers } from '../../../emulator/seeds/builders';
import { DEMO_IDS, demoTenant } from '../../../emulator/seeds/demo-tenant';
import { UserSeed } from '../../../emulator/types';
import { requestTransferOfGroup } from '../../../src/app/bulk/request-sources';
import { requestGroupSoa } from '../../../src/app/request-group';
import { toGroupRecord } from '../../../emulator/state/tenant-state';
import { RequestReply, requestRollback, requestTransfer } from '../../../src/app/request-transfer';
import { done } from '../../../src/app/reply';
import { OPEN_STATUSES, RequestKind, SoaRequest } from '../../../src/domain/soa-request';
import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { DownloadServer } from '../../support/download-server';
import { PERSONAL, messageActivity } from '../../support/teams-activities';
import { CHANNEL, PEOPLE, VERBS, click, soaPatches } from './flow-helpers';
import { waitUntil } from '../../support/wait-until';

/**
 * The one target policy, as a table: every request source (one user, a pasted list of 21 that takes
 * the bulk path, `transfer members of`, a CSV file) for transfers and rollbacks, checked at request
 * time and again at execution after the membership changed. The scope groups hold their users through
 * a nested group, so a direct-members reading lets them through.
 */
const PROTECTED = '5d0a0002-0000-4000-8000-00000000c0a1';
const BREAK_GLASS = '5d0a0002-0000-4000-8000-00000000c0a2'; // nested in PROTECTED
const ALLOWED = '5d0a0002-0000-4000-8000-00000000c0a3';
const PILOT = '5d0a0002-0000-4000-8000-00000000c0a4'; // nested in ALLOWED
const SOURCE_GROUP = (n: number) => `5d0a0002-0000-4000-8000-00000009${String(n).padStart(4, '0')}`;

type Source = 'one user' | 'pasted list of 21' | 'members of a group' | 'CSV file';
const TRANSFER_SOURCES: Source[] = ['one user', 'pasted list of 21', 'members of a group', 'CSV file'];
const ROLLBACK_SOURCES: Source[] = ['one user', 'pasted list of 21'];

const upnOf = (i: number) => `bulk${String(i).padStart(5, '0')}@contoso.com`;
const transferred = (users: UserSeed[]): UserSeed[] => users.map((u) => ({ ...u, onPremisesSyncEnabled: null, isCloudManaged: true }));

/** Each case gets its own 21 users (open requests would block each other otherwise). */
let nextBlock = 0;
function block(): number[] {
  const start = 5000 + 100 * nextBlock++;
  return Array.from({ length: 21 }, (_, i) => start + i);
}
const BLOCKS = 40;

const files = new DownloadServer();
beforeAll(() => files.start());
afterAll(() => files.stop());

async function startTenant(env: Record<string, string>): Promise<BotHarness> {
  // Files reach the bot in a personal chat; the request then goes to the approvals channel.
  const h = await startBotHarness({
    env: { REQUESTER_IDS: DEMO_IDS.users.rita, APPROVAL_CHANNEL_ID: CHANNEL.channelId!, FILE_DOWNLOAD_HOSTS: '127.0.0.1', ...env },
  });
  const demo = demoTenant();
  const users: UserSeed[] = [];
  const groups = [];
  for (let b = 0; b < BLOCKS; b++) {
    const start = 5000 + 100 * b;
    const synced = syncedUsers(21, 'contoso.com', { start });
    // Odd blocks are transferred users (rollback cases), even blocks synced ones (transfer cases).
    users.push(...(b % 2 === 1 ? transferred(synced) : synced));
    groups.push({ id: SOURCE_GROUP(b), displayName: `Source group ${b}`, members: synced.map((u) => u.id) });
  }
  h.emulator.control.seed({
    ...demo,
    users: [...(demo.users ?? []), ...users],
    groups: [
      ...(demo.groups ?? []),
      ...groups,
      { id: PROTECTED, displayName: 'Tier 0 accounts', members: [BREAK_GLASS] },
      { id: BREAK_GLASS, displayName: 'Break-glass accounts', members: [] },
      { id: ALLOWED, displayName: 'Migration scope', members: [PILOT] },
      { id: PILOT, displayName: 'Pilot users', members: [] },
    ],
  });
  // The bot learns the approvals channel when someone writes there.
  await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
  await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'help', conversation: PERSONAL(PEOPLE.rita) }));
  await h.connector.waitFor(() => h.connector.posts(CHANNEL.id).length > 0 && h.connector.posts(PERSONAL(PEOPLE.rita).id).length > 0);
  return h;
}

async function ask(h: BotHarness, kind: RequestKind, source: Source, users: number[], blockIndex: number): Promise<RequestReply> {
  const actor = { aadObjectId: PEOPLE.rita.aadObjectId, name: PEOPLE.rita.name, mri: PEOPLE.rita.mri };
  const origin = { conversationKey: CHANNEL.id, kind: 'channel' as const };
  const justification = `policy table ${source} ${blockIndex}`;
  const upns = (source === 'one user' ? users.slice(0, 1) : users).map(upnOf);
  const deps = h.app.deps;
  switch (source) {
    case 'one user':
    case 'pasted list of 21':
      return kind === 'rollback'
        ? requestRollback(deps, { actor, upns, justification, origin })
        : requestTransfer(deps, { actor, upns, justification, origin });
    case 'members of a group':
      return requestTransferOfGroup(deps, { actor, group: SOURCE_GROUP(blockIndex), justification, origin });
    case 'CSV file': {
      // Through the bot, as Teams delivers a file in a personal chat.
      const url = files.serve(`wave-${blockIndex}.csv`, `userPrincipalName\n${upns.join('\n')}\n`);
      await h.send({
        ...messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: `reason: ${justification}`, conversation: PERSONAL(PEOPLE.rita) }),
        attachments: [
          {
            contentType: 'application/vnd.microsoft.teams.file.download.info',
            name: `wave-${blockIndex}.csv`,
            content: { downloadUrl: url, uniqueId: 'x', fileType: 'csv' },
          },
        ],
      });
      const request = await waitUntil(
        async () => (await deps.requests.listByStatus(OPEN_STATUSES, 1000)).find((r) => r.justification === justification && r.cards.length > 0),
        'a request from the file',
        10_000,
        () => h.connector.texts(PERSONAL(PEOPLE.rita).id).slice(-1),
      );
      return done({ request, duplicate: false });
    }
  }
}

/** Approves (and for a rollback confirms the safeguard step), then waits for the execution to end. */
async function approveAndRun(h: BotHarness, request: SoaRequest): Promise<SoaRequest> {
  const card = request.cards.find((c) => c.role === 'approval')!;
  const posted = { requestId: request.id, version: request.cardVersion, activityId: card.activityId };
  await click(h, PEOPLE.adam, VERBS.approve, posted);
  if (request.kind === 'rollback') {
    h.emulator.control.setTenantSettings({ blockCloudObjectTakeoverThroughHardMatchEnabled: false });
    const waiting = (await h.app.deps.requests.get(request.id))!;
    await click(h, PEOPLE.adam, VERBS.confirmSafeguard, { ...posted, version: waiting.cardVersion });
  }
  return waitUntil(
    async () => {
      const current = (await h.app.deps.requests.get(request.id))!;
      return !['pending', 'awaiting-safeguard', 'approved', 'executing'].includes(current.status) && current;
    },
    `request ${request.id} to end`,
    20_000,
  );
}

const created = (reply: RequestReply): SoaRequest => {
  if (!reply.ok) throw new Error(`no request was created: ${reply.text}`);
  return reply.value.request;
};

describe('one target policy for every request source: PROTECTED_GROUP_IDS read transitively', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startTenant({ PROTECTED_GROUP_IDS: PROTECTED });
  });
  afterAll(() => h.stop());

  const cases = [...TRANSFER_SOURCES.map((s) => ['transfer', s] as const), ...ROLLBACK_SOURCES.map((s) => ['rollback', s] as const)];

  it.each(cases)('%s, %s: a break-glass account in a group nested in a protected group is refused at request time', async (kind, source) => {
    if (kind === 'rollback' && nextBlock % 2 === 0) nextBlock++;
    if (kind === 'transfer' && nextBlock % 2 === 1) nextBlock++;
    const index = nextBlock;
    const users = block();
    const protectedUser = bulkUserId(users[0]);
    h.emulator.control.setGroupMembers(BREAK_GLASS, [protectedUser]);

    const reply = await ask(h, kind, source, users, index);
    if (source === 'one user') {
      expect(reply.ok).toBe(false);
      expect(reply.text).toMatch(/protected account/i);
    } else {
      const request = created(reply);
      expect(request.targets.map((t) => t.preflight.userId)).not.toContain(protectedUser);
      expect(request.targets).toHaveLength(20);
      expect(request.blocked).toEqual([expect.objectContaining({ userId: protectedUser, blocker: 'protected' })]);
      expect(cardText(h.connector.latestCard(request.cards[0].activityId))).toMatch(/Protected/);
      const done = await approveAndRun(h, request);
      expect(done.status).toBe(kind === 'rollback' ? 'awaiting-sync' : 'completed');
    }
    expect(soaPatches(h, protectedUser)).toHaveLength(0);
  });

  it.each(cases)('%s, %s: a user who joins the nested protected group after the request is not changed at execution', async (kind, source) => {
    if (kind === 'rollback' && nextBlock % 2 === 0) nextBlock++;
    if (kind === 'transfer' && nextBlock % 2 === 1) nextBlock++;
    const index = nextBlock;
    const users = block();
    h.emulator.control.setGroupMembers(BREAK_GLASS, []);
    const request = created(await ask(h, kind, source, users, index));
    // In the last wave of a bulk request (a failure in an earlier wave would halt it, as it should).
    const joined = bulkUserId(source === 'one user' ? users[0] : users[20]);
    expect(request.targets.map((t) => t.preflight.userId)).toContain(joined);

    h.emulator.control.setGroupMembers(BREAK_GLASS, [joined]);
    const done = await approveAndRun(h, request);
    const target = done.targets.find((t) => t.preflight.userId === joined)!;
    expect(target.execution).toMatchObject({ outcome: 'failed', errorCode: 'SCOPE.PROTECTED' });
    expect(soaPatches(h, joined)).toHaveLength(0);
    if (source !== 'one user') {
      expect(done.targets.filter((t) => t.execution.outcome === 'done')).toHaveLength(20);
    } else {
      expect(done.status).toBe('failed');
    }
  });
});

describe('one target policy for every request source: ALLOWED_TARGET_GROUP_ID read transitively', () => {
  let h: BotHarness;
  beforeAll(async () => {
    nextBlock = 0;
    h = await startTenant({ ALLOWED_TARGET_GROUP_ID: ALLOWED });
  });
  afterAll(() => h.stop());

  it.each(TRANSFER_SOURCES)(
    'transfer, %s: members of a nested group are in scope, others are refused, and a user who leaves the scope is not changed',
    async (source) => {
      if (nextBlock % 2 === 1) nextBlock++;
      const index = nextBlock;
      const users = block();
      const outside = bulkUserId(users[20]);
      const leaving = bulkUserId(users[19]); // in the last wave
      // Everyone but the last user is in the pilot group, which is nested in the allowed scope.
      h.emulator.control.setGroupMembers(PILOT, users.slice(0, 20).map(bulkUserId));

      const reply = await ask(h, 'transfer', source, source === 'one user' ? [users[20]] : users, index);
      if (source === 'one user') {
        expect(reply.ok).toBe(false);
        expect(reply.text).toMatch(/outside the allowed scope/i);
        expect(soaPatches(h, outside)).toHaveLength(0);
        const inScope = created(await ask(h, 'transfer', source, [users[19]], index));
        h.emulator.control.setGroupMembers(PILOT, []);
        const done = await approveAndRun(h, inScope);
        expect(done.targets[0].execution).toMatchObject({ outcome: 'failed', errorCode: 'SCOPE.OUTSIDE_ALLOWED' });
        expect(soaPatches(h, leaving)).toHaveLength(0);
        return;
      }
      const request = created(reply);
      expect(request.targets).toHaveLength(20);
      expect(request.blocked).toEqual([expect.objectContaining({ userId: outside, blocker: 'outside-allowed-scope' })]);

      h.emulator.control.setGroupMembers(
        PILOT,
        users
          .slice(0, 20)
          .map(bulkUserId)
          .filter((id) => id !== leaving),
      );
      const done = await approveAndRun(h, request);
      expect(done.targets.find((t) => t.preflight.userId === leaving)!.execution).toMatchObject({ outcome: 'failed', errorCode: 'SCOPE.OUTSIDE_ALLOWED' });
      expect(done.targets.filter((t) => t.execution.outcome === 'done')).toHaveLength(19);
      expect(soaPatches(h, leaving)).toHaveLength(0);
      expect(soaPatches(h, outside)).toHaveLength(0);
    },
  );
});

/**
 * Group targets (docs/soa-and-graph.md §6a) in the same table: the guard covers the guarded groups
 * themselves and every group nested in them, transitively, at request time and again before the write.
 * ALLOWED_TARGET_GROUP_ID likewise: a group may be changed only if it is that group or nested in it.
 */
const TG = (n: number) => `5d0a0002-0000-4000-8000-0000000a${String(n).padStart(4, '0')}`;
type GroupSource = 'one group' | 'group tree';

describe('one target policy for group targets: PROTECTED_GROUP_IDS and ALLOWED_TARGET_GROUP_ID cover nested groups', () => {
  let h: BotHarness;
  let n = 0;
  beforeAll(async () => {
    h = await startTenant({ PROTECTED_GROUP_IDS: PROTECTED, ALLOWED_TARGET_GROUP_ID: ALLOWED });
  });
  afterAll(() => h.stop());

  const actor = { aadObjectId: PEOPLE.rita.aadObjectId, name: PEOPLE.rita.name, mri: PEOPLE.rita.mri };
  const origin = { conversationKey: CHANNEL.id, kind: 'channel' as const };
  const addGroup = (id: string, displayName: string, members: string[] = []) =>
    h.emulator.state.groups.set(
      id.toLowerCase(),
      toGroupRecord({ id, displayName, onPremisesSyncEnabled: true, onPremisesImmutableId: `anchor-${id.slice(-4)}`, members }),
    );
  /** A synced parent holding a synced child; both in the allowed scope (the parent nested in PILOT, so the child too). */
  const tree = () => {
    const parent = TG(n++);
    const child = TG(n++);
    addGroup(child, `Child ${child.slice(-4)}`);
    addGroup(parent, `Parent ${parent.slice(-4)}`, [child]);
    h.emulator.control.setGroupMembers(PILOT, [...h.emulator.state.groups.get(PILOT.toLowerCase())!.members, parent]);
    return { parent, child };
  };
  const ask = (source: GroupSource, group: string) =>
    requestGroupSoa(h.app.deps, { kind: 'transfer', actor, group, nested: source === 'group tree', justification: `group policy ${group}`, origin });
  const patchesOf = (id: string) => h.emulator.control.calls().filter((c) => c.method === 'PATCH' && c.path.endsWith(`/groups/${id}/onPremisesSyncBehavior`));

  it.each<GroupSource>(['one group', 'group tree'])(
    'transfer, %s: a group nested (through another group) in a protected group is refused at request time',
    async (source) => {
      const { parent, child } = tree();
      // The child is nested in BREAK_GLASS, itself nested in PROTECTED.
      h.emulator.control.setGroupMembers(BREAK_GLASS, [child]);
      const reply = await ask(source, source === 'one group' ? child : parent);
      if (source === 'one group') {
        expect(reply.ok).toBe(false);
        expect(reply.text).toMatch(/Protected group/);
      } else {
        const request = created(reply);
        expect(request.targets.map((t) => t.preflight.userId)).toEqual([parent]);
        expect(request.blocked).toEqual([expect.objectContaining({ userId: child, blocker: 'protected' })]);
        expect(cardText(h.connector.latestCard(request.cards[0].activityId))).toMatch(/Protected group/);
        expect((await approveAndRun(h, request)).status).toBe('completed');
      }
      expect(patchesOf(child)).toHaveLength(0);
      h.emulator.control.setGroupMembers(BREAK_GLASS, []);
    },
  );

  it.each<GroupSource>(['one group', 'group tree'])(
    'transfer, %s: a group that becomes protected after the request is not changed at execution',
    async (source) => {
      const { parent, child } = tree();
      const request = created(await ask(source, source === 'one group' ? child : parent));
      h.emulator.control.setGroupMembers(BREAK_GLASS, [child]);
      const done = await approveAndRun(h, request);
      expect(done.targets.find((t) => t.preflight.userId === child)!.execution).toMatchObject({
        outcome: 'failed',
        errorCode: 'SCOPE.PROTECTED',
        errorDetail: expect.stringMatching(/^The group is now a protected group/),
      });
      expect(patchesOf(child)).toHaveLength(0);
      // A tree halts on the failed child before its parent (nothing above it is touched).
      if (source === 'group tree') {
        expect(done.status).toBe('halted');
        expect(patchesOf(parent)).toHaveLength(0);
      }
      h.emulator.control.setGroupMembers(BREAK_GLASS, []);
    },
  );

  it('transfer, one group: a group outside ALLOWED_TARGET_GROUP_ID (not it, not nested in it) is refused', async () => {
    const outside = TG(n++);
    addGroup(outside, `Outside ${outside.slice(-4)}`);
    const reply = await ask('one group', outside);
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/Outside the allowed scope: neither ALLOWED_TARGET_GROUP_ID itself nor nested in it/);
    expect(patchesOf(outside)).toHaveLength(0);
  });
});
