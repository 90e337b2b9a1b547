import { Storage } from '../../src/adapters/storage/database-stores';
import { ConversationStore } from '../../src/ports/conversation-store';
import { aStoredConversation } from '../support/builders';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

const personal = aStoredConversation({ key: 'personal:29:1ada', kind: 'personal', teamId: null, channelId: null, reference: { conversation: { id: 'a:1x' } } });
const ada = { aadObjectId: '00000000-0000-0000-0000-0000000000a1', mri: '29:1ada', name: 'Ada Admin', updatedAt: '2025-06-01T09:00:00.000Z' };

function conversationStoreContract(impl: StorageImplementation): void {
  describe(`ConversationStore contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: ConversationStore;
    beforeEach(async () => {
      storage = await impl.open();
      store = storage.conversations;
    });
    afterAll(() => impl.cleanup());

    it('saves and gets a conversation; unknown keys give null', async () => {
      await store.save(aStoredConversation());
      await store.save(personal);
      expect(await store.get(aStoredConversation().key)).toEqual(aStoredConversation());
      expect(await store.get(personal.key)).toEqual(personal);
      expect(await store.get('channel:19:unknown@thread.tacv2')).toBeNull();
    });

    it('replaces a conversation saved again under the same key', async () => {
      await store.save(aStoredConversation());
      const newer = aStoredConversation({
        reference: { activityId: '2', serviceUrl: 'https://smba.trafficmanager.net/amer/' },
        updatedAt: '2025-06-02T09:00:00.000Z',
      });
      await store.save(newer);
      expect(await store.get(newer.key)).toEqual(newer);
    });

    it('finds a channel conversation by channel id', async () => {
      await store.save(personal);
      await store.save(aStoredConversation());
      await store.save(aStoredConversation({ key: 'channel:19:other@thread.tacv2', channelId: '19:other@thread.tacv2' }));
      expect(await store.findByChannelId('19:approvals@thread.tacv2')).toEqual(aStoredConversation());
      expect((await store.findByChannelId('19:other@thread.tacv2'))!.key).toBe('channel:19:other@thread.tacv2');
      expect(await store.findByChannelId('19:missing@thread.tacv2')).toBeNull();
    });

    it('copies references in and out', async () => {
      const conversation = aStoredConversation();
      await store.save(conversation);
      (conversation.reference.bot as { name: string }).name = 'mutated';
      const loaded = (await store.get(conversation.key))!;
      loaded.reference.serviceUrl = 'https://evil.example';
      expect(await store.get(conversation.key)).toEqual(aStoredConversation());
    });

    it('saves people and looks them up by Entra object id', async () => {
      await store.savePerson(ada);
      expect(await store.personByAadObjectId(ada.aadObjectId)).toEqual({ aadObjectId: ada.aadObjectId, mri: '29:1ada', name: 'Ada Admin' });
      await store.savePerson({ ...ada, name: 'Ada Lovelace', mri: '29:1ada-new', updatedAt: '2025-06-02T09:00:00.000Z' });
      expect(await store.personByAadObjectId(ada.aadObjectId)).toEqual({ aadObjectId: ada.aadObjectId, mri: '29:1ada-new', name: 'Ada Lovelace' });
      expect(await store.personByAadObjectId('00000000-0000-0000-0000-000000000000')).toBeNull();
    });

    it("remembers each person's latest personal chat with the bot, whatever the case of the object id", async () => {
      expect(await store.personalChatOf('AAAA-1')).toBeNull();
      await store.savePersonalChat('AAAA-1', 'a:chat-1', '2026-12-07T10:00:00.000Z');
      await store.savePersonalChat('aaaa-1', 'a:chat-2', '2026-12-07T11:00:00.000Z');
      expect(await store.personalChatOf('Aaaa-1')).toBe('a:chat-2');
      expect(await store.personalChatOf('bbbb-2')).toBeNull();
    });

    it('claimOnce returns true the first time and false for a duplicate', async () => {
      expect(await store.claimOnce('invoke:act-1', '2025-06-01T10:00:00.000Z')).toBe(true);
      expect(await store.claimOnce('invoke:act-1', '2025-06-01T10:00:01.000Z')).toBe(false);
      expect(await store.claimOnce('invoke:act-2', '2025-06-01T10:00:02.000Z')).toBe(true);
    });

    it('keeps what a claimed key produced, for the duplicate to answer the same; unknown keys have none', async () => {
      expect(await store.claimOnce('tab-request:p:k1', '2025-06-01T10:00:00.000Z')).toBe(true);
      expect(await store.onceResult('tab-request:p:k1')).toBeNull();
      await store.setOnceResult('tab-request:p:k1', '{"requestId":"R-1"}');
      expect(await store.onceResult('tab-request:p:k1')).toBe('{"requestId":"R-1"}');
      // A result for a key nobody claimed is not kept.
      await store.setOnceResult('tab-request:p:never', 'x');
      expect(await store.onceResult('tab-request:p:never')).toBeNull();
      // Pruning forgets the result with its key.
      expect(await store.pruneOnceKeys('2025-06-01T10:00:01.000Z')).toBeGreaterThanOrEqual(1);
      expect(await store.onceResult('tab-request:p:k1')).toBeNull();
    });

    it('pruneOnceKeys forgets keys claimed before the cut-off and keeps the rest', async () => {
      expect(await store.claimOnce('activity:c:old-1', '2025-05-01T10:00:00.000Z')).toBe(true);
      expect(await store.claimOnce('activity:c:old-2', '2025-05-24T23:59:59.999Z')).toBe(true);
      expect(await store.claimOnce('activity:c:edge', '2025-05-25T00:00:00.000Z')).toBe(true);
      expect(await store.claimOnce('activity:c:new', '2025-06-01T10:00:00.000Z')).toBe(true);
      expect(await store.pruneOnceKeys('2025-05-25T00:00:00.000Z')).toBe(2);
      expect(await store.pruneOnceKeys('2025-05-25T00:00:00.000Z')).toBe(0);
      // Pruned keys can be claimed again; the others still de-duplicate.
      expect(await store.claimOnce('activity:c:old-1', '2025-06-01T11:00:00.000Z')).toBe(true);
      expect(await store.claimOnce('activity:c:edge', '2025-06-01T11:00:00.000Z')).toBe(false);
      expect(await store.claimOnce('activity:c:new', '2025-06-01T11:00:00.000Z')).toBe(false);
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps conversations, people and once keys after close and reopen (durability)', async () => {
        await store.save(aStoredConversation());
        await store.savePerson(ada);
        await store.claimOnce('invoke:act-1', '2025-06-01T10:00:00.000Z');
        const again = (await reopen(storage)).conversations;
        expect(await again.findByChannelId('19:approvals@thread.tacv2')).toEqual(aStoredConversation());
        expect((await again.personByAadObjectId(ada.aadObjectId))!.mri).toBe('29:1ada');
        expect(await again.claimOnce('invoke:act-1', '2025-06-01T11:00:00.000Z')).toBe(false);
      });
    }
  });
}

for (const impl of storageImplementations()) conversationStoreContract(impl);
