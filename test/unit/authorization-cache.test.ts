import { Authorization } from '../../src/app/authorization';
import type { Directory } from '../../src/ports/directory';
import { VirtualClock } from '../support/virtual-clock';
import { roleSettings } from '../support/builders';

const REQUESTERS = 'aaaaaaaa-0000-4000-8000-00000000000a';
const RITA = 'bbbbbbbb-0000-4000-8000-00000000000b';

/** Only memberGroups is used by Authorization; it answers after a short delay and counts its calls. */
function countingDirectory(): { directory: Directory; calls: () => number } {
  let calls = 0;
  const memberGroups = async (_userId: string, groupIds: string[]) => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return groupIds.filter((g) => g === REQUESTERS);
  };
  return { directory: { memberGroups } as unknown as Directory, calls: () => calls };
}

const settings = roleSettings({ requesterGroupId: REQUESTERS });

describe('Authorization group cache', () => {
  it("a burst of one person's messages asks Graph once, also when the cached answer has just expired", async () => {
    const { directory, calls } = countingDirectory();
    const clock = new VirtualClock();
    const auth = new Authorization(settings, directory, clock);
    const burst = () => Promise.all(Array.from({ length: 50 }, () => auth.isRequester(RITA)));
    expect(await burst()).toEqual(Array(50).fill(true));
    expect(calls()).toBe(1);
    expect(await burst()).toEqual(Array(50).fill(true));
    expect(calls()).toBe(1); // cached
    clock.advance(60_001);
    expect(await burst()).toEqual(Array(50).fill(true));
    expect(calls()).toBe(2);
  });

  it('a failed lookup is not cached: the next message asks again', async () => {
    let fail = true;
    let calls = 0;
    const directory = {
      memberGroups: async () => {
        calls++;
        if (fail) throw new Error('Graph unavailable');
        return [REQUESTERS];
      },
    } as unknown as Directory;
    const auth = new Authorization(settings, directory, new VirtualClock());
    await expect(Promise.all([auth.isRequester(RITA), auth.isRequester(RITA)])).rejects.toThrow('Graph unavailable');
    expect(calls).toBe(1);
    fail = false;
    expect(await auth.isRequester(RITA)).toBe(true);
    expect(calls).toBe(2);
  });
});
