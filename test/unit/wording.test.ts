import { describeError } from '../../src/app/wording';

/** Refusals whose words depend on their detail: the sentence comes from the code, never from the use case. */
describe('refusal words keyed by code and detail', () => {
  it('a directory failure while reading something says what could not be read, then Graph’s words', () => {
    expect(describeError({ code: 'GRAPH.UNAVAILABLE', detail: { permission: null, reading: 'users' } })).toBe(
      'I could not check the users, so no request was created. Microsoft Graph did not answer (server error or time-out) after several tries.',
    );
    expect(describeError({ code: 'GRAPH.PERMISSION_MISSING', detail: { permission: 'User.Read.All', reading: 'user' } })).toMatch(
      /^I could not read the user from Microsoft Graph\. Microsoft Graph refused the call \(403\): the bot's app identity lacks the application permission User\.Read\.All\./,
    );
    expect(describeError({ code: 'GRAPH.THROTTLED', detail: { reading: 'group' } })).toMatch(
      /^I could not read the group from Microsoft Graph\. Microsoft Graph kept throttling/,
    );
    expect(describeError({ code: 'GRAPH.UNAVAILABLE' })).toBe('Microsoft Graph did not answer (server error or time-out) after several tries.');
  });

  it('no eligible target: an empty group, a card with no groups to request, or the blocked targets listed above', () => {
    expect(describeError({ code: 'REQUEST.NONE_ELIGIBLE', detail: { reason: 'empty-group', group: 'Sales *EMEA*' } })).toBe(
      'The group Sales \\*EMEA\\* has no user members; no request was created.',
    );
    expect(describeError({ code: 'REQUEST.NONE_ELIGIBLE', detail: { reason: 'no-guided-groups' } })).toBe(
      'This request lists no groups still managed in AD DS.',
    );
    expect(describeError({ code: 'REQUEST.NONE_ELIGIBLE', detail: { kind: 'rollback' } })).toMatch(/^None of the users can be rolled back/);
  });

  it('a failed role check names Graph’s failure and the missing permission, never "only approvers"', () => {
    const text = describeError({ code: 'ROLE.CHECK_FAILED', detail: { graphCode: 'GRAPH.PERMISSION_MISSING', permission: 'GroupMember.Read.All' } });
    expect(text).toMatch(/^I could not check your rights for this with Microsoft Graph just now, so nothing was changed\./);
    expect(text).toContain('GroupMember.Read.All');
    expect(text).toMatch(/Try again in a moment\.$/);
    expect(describeError({ code: 'ROLE.CHECK_FAILED', detail: { graphCode: 'not a code' } })).toContain('Microsoft Graph answered something unexpected.');
  });
});
