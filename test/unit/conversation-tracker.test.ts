import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { ConversationTracker } from '../../src/adapters/teams/conversation-tracker';
import { openSqliteDatabase } from '../../src/adapters/storage';
import { SqlConversationStore } from '../../src/adapters/storage/conversation-store';
import { VirtualClock } from '../support/virtual-clock';
import { messageActivity, type TestPerson } from '../support/teams-activities';

const RITA: TestPerson = { aadObjectId: 'AAAAAAAA-0000-4000-8000-000000000001', name: 'Rita Requester', mri: '29:rita' };
const CHANNEL = { kind: 'channel' as const, id: '19:ops@thread.tacv2;messageid=1', teamId: '19:team@thread.tacv2', channelId: '19:ops@thread.tacv2' };

/** The store on SQLite in memory, counting the rows it is asked to write. */
class CountingStore extends SqlConversationStore {
  writes: string[] = [];
  failNext = false;
  constructor() {
    super(openSqliteDatabase({ path: ':memory:' }));
  }
  override async save(c: Parameters<SqlConversationStore['save']>[0]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database is locked');
    }
    this.writes.push(`conversation ${c.key}`);
    return super.save(c);
  }
  override async savePerson(p: Parameters<SqlConversationStore['savePerson']>[0]): Promise<void> {
    this.writes.push(`person ${p.aadObjectId}`);
    return super.savePerson(p);
  }
}

const context = (activity: Record<string, unknown>) => new TurnContext(new TestAdapter(), activity as Partial<Activity>);
const message = (overrides: { serviceUrl?: string; name?: string } = {}) =>
  messageActivity({
    serviceUrl: overrides.serviceUrl ?? 'https://smba.trafficmanager.net/emea/',
    from: { ...RITA, name: overrides.name ?? RITA.name },
    text: 'status alice@contoso.com',
    conversation: CHANNEL,
  });

describe('ConversationTracker', () => {
  it('writes the conversation, its channel and the person once, not again for every message', async () => {
    const store = new CountingStore();
    const tracker = new ConversationTracker(store, new VirtualClock());
    await tracker.track(context(message()));
    expect(store.writes.sort()).toEqual([`conversation ${CHANNEL.channelId}`, `conversation ${CHANNEL.id}`, `person ${RITA.aadObjectId.toLowerCase()}`]);
    for (let i = 0; i < 5; i++) await tracker.track(context(message()));
    expect(store.writes).toHaveLength(3);
    expect((await store.get(CHANNEL.id))?.reference).toMatchObject({ serviceUrl: 'https://smba.trafficmanager.net/emea/' });
  });

  it('writes again what changed (a new service URL, a new display name), and after ten minutes anyway', async () => {
    const store = new CountingStore();
    const clock = new VirtualClock();
    const tracker = new ConversationTracker(store, clock);
    await tracker.track(context(message()));
    store.writes = [];
    await tracker.track(context(message({ serviceUrl: 'https://smba.trafficmanager.net/amer/' })));
    expect(store.writes.sort()).toEqual([`conversation ${CHANNEL.channelId}`, `conversation ${CHANNEL.id}`]);
    expect((await store.get(CHANNEL.id))?.reference).toMatchObject({ serviceUrl: 'https://smba.trafficmanager.net/amer/' });
    store.writes = [];
    await tracker.track(context(message({ serviceUrl: 'https://smba.trafficmanager.net/amer/', name: 'Rita R.' })));
    // The reference names the sender too, so every row changes.
    expect(store.writes).toContain(`person ${RITA.aadObjectId.toLowerCase()}`);
    expect(store.writes).toHaveLength(3);
    store.writes = [];
    clock.advance(10 * 60_000 + 1);
    await tracker.track(context(message({ serviceUrl: 'https://smba.trafficmanager.net/amer/', name: 'Rita R.' })));
    expect(store.writes).toHaveLength(3);
  });

  it('a failed write is tried again with the next message', async () => {
    const store = new CountingStore();
    const tracker = new ConversationTracker(store, new VirtualClock());
    store.failNext = true;
    await expect(tracker.track(context(message()))).rejects.toThrow('database is locked');
    await tracker.track(context(message()));
    expect(await store.get(CHANNEL.id)).not.toBeNull();
  });
});
