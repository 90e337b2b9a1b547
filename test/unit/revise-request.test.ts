import { revise, targetCount } from '../../src/domain/soa-request';
import { aRequest } from '../support/builders';

describe("a request's versions", () => {
  it('every change moves the version; a change the card shows also moves the card version', () => {
    const request = aRequest({ version: 4, cardVersion: 2 });
    const quiet = revise(request, { cards: [] }, { card: false });
    expect([quiet.version, quiet.cardVersion]).toEqual([5, 2]);
    const shown = revise(quiet, { status: 'executing' }, { card: true });
    expect([shown.version, shown.cardVersion, shown.status]).toEqual([6, 3, 'executing']);
  });

  it('leaves the request it was given as it was', () => {
    const request = aRequest({ version: 1, cardVersion: 1, status: 'pending' });
    revise(request, { status: 'approved' }, { card: true });
    expect(request).toMatchObject({ version: 1, cardVersion: 1, status: 'pending' });
  });
});

describe("a count of a request's targets", () => {
  it('is worded by the target type, so a group request never says "users"', () => {
    expect(targetCount(aRequest(), 3)).toBe('3 user(s)');
    expect(targetCount(aRequest({ targetType: 'group' }), 3)).toBe('3 group(s)');
  });
});
