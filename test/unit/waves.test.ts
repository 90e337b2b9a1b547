import { parseWaves, planWaves, progressBar, shouldHalt } from '../../src/domain/waves';

describe('waves', () => {
  it('plans the default 1,10%,rest', () => {
    expect(planWaves(parseWaves('1,10%,rest')!, 10_000)).toEqual([1, 1000, 8999]);
    expect(planWaves(parseWaves('1,10%,rest')!, 5)).toEqual([1, 1, 3]);
    expect(planWaves(parseWaves('1,10%,rest')!, 1)).toEqual([1]);
  });
  it('puts what is left into a last wave when the plan has no rest', () => {
    expect(planWaves(parseWaves('10,20')!, 100)).toEqual([10, 20, 70]);
  });
  it('refuses malformed plans', () => {
    for (const bad of ['', 'rest,1', '0', '-1', '150%', 'abc', '1,,x']) expect(parseWaves(bad)).toBeNull();
  });
  it('halts above the failure-rate limit only', () => {
    expect(shouldHalt({ attempted: 100, failed: 5 }, 0.05)).toBe(false);
    expect(shouldHalt({ attempted: 100, failed: 6 }, 0.05)).toBe(true);
    expect(shouldHalt({ attempted: 1, failed: 1 }, 0.05)).toBe(true);
    expect(shouldHalt({ attempted: 0, failed: 0 }, 0.05)).toBe(false);
  });
  it('draws a progress bar', () => {
    expect(progressBar(45, 100, 10)).toBe('████░░░░░░ 45%');
    expect(progressBar(0, 0, 4)).toBe('████ 100%');
  });
});
