import { Storage } from '../../src/adapters/storage/database-stores';
import { ExportLog, ExportRecord } from '../../src/ports/export-log';
import { StorageImplementation, storageImplementations } from './support/storage-implementations';

const entry = (id: string, at: string, overrides: Partial<ExportRecord> = {}): ExportRecord => ({
  id,
  at,
  actorId: 'aaaaaaaa-0000-4000-8000-00000000000a',
  format: 'csv',
  filters: { state: 'completed', kind: 'transfer' },
  rows: 1200,
  complete: true,
  ...overrides,
});

function exportLogContract(impl: StorageImplementation): void {
  describe(`ExportLog contract: ${impl.name}`, () => {
    let storage: Storage;
    let log: ExportLog;
    beforeEach(async () => {
      storage = await impl.open();
      log = storage.exports;
    });
    afterAll(() => impl.cleanup());

    it('keeps every export, newest first, with who, when, the filters, the row count and whether it finished', async () => {
      await log.record(entry('e1', '2026-12-01T10:00:00.000Z'));
      await log.record(entry('e2', '2026-12-03T10:00:00.000Z', { format: 'json', filters: {}, rows: 0, complete: false }));
      await log.record(entry('e3', '2026-12-02T10:00:00.000Z'));
      expect(await log.recent(10)).toEqual([
        entry('e2', '2026-12-03T10:00:00.000Z', { format: 'json', filters: {}, rows: 0, complete: false }),
        entry('e3', '2026-12-02T10:00:00.000Z'),
        entry('e1', '2026-12-01T10:00:00.000Z'),
      ]);
      expect((await log.recent(1)).map((e) => e.id)).toEqual(['e2']);
    });

    it('refuses the same export id twice (append-only)', async () => {
      await log.record(entry('e1', '2026-12-01T10:00:00.000Z'));
      // Matched by message: better-sqlite3's error class comes from the first test file's realm under jest.
      await expect(log.record(entry('e1', '2026-12-01T11:00:00.000Z'))).rejects.toHaveProperty(
        'message',
        expect.stringMatching(/unique|duplicate|already recorded/i),
      );
      expect((await log.recent(5)).map((e) => e.at)).toEqual(['2026-12-01T10:00:00.000Z']);
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps the record across a reopen (durability)', async () => {
        await log.record(entry('e1', '2026-12-01T10:00:00.000Z'));
        expect((await (await reopen(storage)).exports.recent(5)).map((e) => e.id)).toEqual(['e1']);
      });
    }
  });
}

for (const impl of storageImplementations()) exportLogContract(impl);
