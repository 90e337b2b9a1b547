import { processInstance } from '../../src/adapters/system/process-instance';

describe('processInstance: whose leases may be taken over at once', () => {
  const alive = new Set([100, 200]);
  const me = processInstance({ host: 'web-1', pid: 1, alive: (pid) => alive.has(pid) });

  it('a predecessor on this host whose process is gone, or that had this very pid (container restarted in place)', () => {
    expect(me.isGone('web-1|300|abcd1234')).toBe(true);
    expect(me.isGone('web-1|1|abcd1234')).toBe(true);
  });

  it('never itself, a live process, another host or an id it cannot read', () => {
    expect(me.isGone(me.id)).toBe(false);
    expect(me.isGone('web-1|100|abcd1234')).toBe(false);
    expect(me.isGone('web-2|300|abcd1234')).toBe(false);
    expect(me.isGone('web-1|x|abcd1234')).toBe(false);
    expect(me.isGone('something else')).toBe(false);
  });

  it('ids are unique per process', () => {
    expect(processInstance({ host: 'web-1', pid: 1 }).id).not.toBe(me.id);
    expect(me.id).toMatch(/^web-1\|1\|[0-9a-f]{8}$/);
  });
});
