import { AppDeps } from '../../src/app/app-deps';
import { Authorization } from '../../src/app/authorization';
import { applyNotifySettings, manageNotifications } from '../../src/app/manage-notifications';
import { silentLogger } from '../../src/adapters/logging/pino-logger';
import { openMemoryStorage } from '../../src/adapters/storage';
import type { NotificationStore } from '../../src/ports/notification-store';
import type { Directory } from '../../src/ports/directory';
import { VirtualClock } from '../support/virtual-clock';
import { roleSettings } from '../support/builders';

const ADMIN = 'aaaaaaaa-0000-4000-8000-00000000000a';
const APPROVER = 'bbbbbbbb-0000-4000-8000-00000000000b';
const SECURITY = '19:security@thread.tacv2';
const OPS = '19:ops@thread.tacv2';

/**
 * The use case with the real stores on SQLite in memory: only what manageNotifications and applyNotifySettings read
 * (notification and conversation stores, roles, settings, clock, logger) is provided.
 */
function notifyDeps(options: { notifyChannelIds: string[]; notifications?: NotificationStore; clock?: VirtualClock }) {
  const clock = options.clock ?? new VirtualClock();
  const roles = roleSettings({ approverIds: [APPROVER], adminIds: [ADMIN] });
  const storage = openMemoryStorage({ clock });
  const deps = {
    notifications: options.notifications ?? storage.notifications,
    conversations: storage.conversations,
    authorization: new Authorization(roles, {} as Directory, clock),
    settings: { notifyTransfers: false, notifyChannelIds: options.notifyChannelIds },
    clock,
    logger: silentLogger,
  } as unknown as AppDeps;
  return { deps, clock, notifications: deps.notifications };
}

describe('NOTIFY_CHANNEL_IDS and chat commands', () => {
  it('the settings subscribe their channels at start-up and unsubscribe those they no longer list; chat subscriptions stay', async () => {
    const first = notifyDeps({ notifyChannelIds: [SECURITY] });
    await applyNotifySettings(first.deps);
    await applyNotifySettings(first.deps); // a second start changes nothing
    first.clock.advance(1000); // distinct times: the change list is ordered by time
    await manageNotifications(first.deps, { actorId: APPROVER, action: 'here', channelId: OPS });
    expect((await first.notifications.subscriptions()).map((s) => [s.channelId, s.source]).sort()).toEqual([
      [OPS, 'command'],
      [SECURITY, 'preset'],
    ]);

    // The operator removes the security channel from the setting and restarts.
    first.clock.advance(60_000);
    const second = notifyDeps({ notifyChannelIds: [], notifications: first.notifications, clock: first.clock });
    await applyNotifySettings(second.deps);
    expect((await second.notifications.subscriptions()).map((s) => s.channelId)).toEqual([OPS]);
    expect((await second.notifications.subscriptionChanges(10)).map((c) => [c.channelId, c.change, c.by, c.via])).toEqual([
      [SECURITY, 'off', null, 'settings'],
      [OPS, 'on', APPROVER, 'command'],
      [SECURITY, 'on', null, 'settings'],
    ]);
  });

  it('a configured channel is recognised whatever the case of the setting, and `notify here` there changes nothing', async () => {
    const { deps, notifications } = notifyDeps({ notifyChannelIds: [SECURITY.toUpperCase()] });
    await applyNotifySettings(deps);
    const before = await notifications.subscriptionChanges(10);
    expect(await manageNotifications(deps, { actorId: ADMIN, action: 'off', channelId: SECURITY })).toMatchObject({
      ok: false,
      error: { code: 'NOTIFY.CONFIGURED_BY_SETTINGS' },
      text: expect.stringMatching(/configured by the settings \(NOTIFY_CHANNEL_IDS\)/),
    });
    expect((await manageNotifications(deps, { actorId: APPROVER, action: 'here', channelId: SECURITY })).text).toMatch(
      /configured by the settings.*Nothing changed/,
    );
    expect(await notifications.subscriptionChanges(10)).toEqual(before);
    expect((await notifications.subscriptions()).map((s) => s.source)).toEqual(['preset']);
  });

  it('`notify off` outside a channel: refused to an approver for the role, told to an admin where it works', async () => {
    const { deps } = notifyDeps({ notifyChannelIds: [] });
    expect(await manageNotifications(deps, { actorId: APPROVER, action: 'off', channelId: null })).toMatchObject({
      ok: false,
      error: { code: 'NOTIFY.OFF_NOT_ALLOWED' },
      text: expect.stringMatching(/Only admins can turn notifications off/),
    });
    expect(await manageNotifications(deps, { actorId: ADMIN, action: 'off', channelId: null })).toMatchObject({
      ok: false,
      error: { code: 'NOTIFY.NOT_IN_CHANNEL' },
    });
  });
});
