import { PreflightResult } from '../../src/domain/preflight';
import { DirectoryUser } from '../../src/domain/soa-state';
import { Decision, Person, RequestTarget, SoaRequest } from '../../src/domain/soa-request';
import { RequestEvent } from '../../src/ports/request-store';
import { StoredConversation } from '../../src/ports/conversation-store';
import type { RoleSettings } from '../../src/app/authorization';

/** Test data builders: realistic defaults, override what the test is about. */

/** A user synced from AD DS, as the directory returns it. */
export function aSyncedUser(overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: 'u1',
    userPrincipalName: 'alice@contoso.com',
    displayName: 'Alice',
    mail: null,
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: 'abc=',
    onPremisesLastSyncDateTime: '2025-01-01T00:00:00Z',
    onPremisesDistinguishedName: 'CN=Alice,OU=Users,DC=corp,DC=contoso,DC=com',
    onPremisesSamAccountName: 'alice',
    onPremisesSecurityIdentifier: 'S-1-5-21-1',
    onPremisesDomainName: 'corp.contoso.com',
    onPremisesUserPrincipalName: 'alice@corp.contoso.com',
    ...overrides,
  };
}

export function aPerson(overrides: Partial<Person> = {}): Person {
  return { aadObjectId: '00000000-0000-0000-0000-0000000000a1', name: 'Ada Admin', mri: '29:1ada', ...overrides };
}

export function aPreflightResult(overrides: Partial<PreflightResult> = {}): PreflightResult {
  return {
    upn: 'jane.doe@contoso.com',
    userId: '11111111-1111-1111-1111-111111111111',
    displayName: 'Jane Doe',
    state: 'synced',
    eligible: true,
    blocker: null,
    warnings: [],
    ...overrides,
  };
}

export function aTarget(overrides: Partial<RequestTarget> = {}): RequestTarget {
  return {
    preflight: aPreflightResult(),
    execution: { outcome: 'pending', errorCode: null, errorDetail: null, graphRequestId: null, attemptedAt: null, finishedAt: null },
    audit: { status: 'not-started' },
    ...overrides,
  };
}

export function aDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    by: aPerson({ aadObjectId: '00000000-0000-0000-0000-0000000000b2', name: 'Bob Approver', mri: '29:1bob' }),
    at: '2025-06-01T10:05:00.000Z',
    decision: 'approve',
    comment: null,
    ...overrides,
  };
}

export function aRequest(overrides: Partial<SoaRequest> = {}): SoaRequest {
  return {
    id: 'R-7K3Q',
    kind: 'transfer',
    status: 'pending',
    version: 1,
    cardVersion: 1,
    requester: aPerson(),
    justification: 'Moving Jane to cloud management before the AD DS decommission (CHG-1234).',
    createdAt: '2025-06-01T10:00:00.000Z',
    expiresAt: '2025-06-02T10:00:00.000Z',
    approvalsRequired: 1,
    decisions: [],
    targets: [aTarget()],
    blocked: [
      aPreflightResult({
        upn: 'cloud.only@contoso.com',
        userId: '22222222-2222-2222-2222-222222222222',
        displayName: 'Cloud Only',
        state: 'cloud-native',
        eligible: false,
        blocker: 'cloud-native',
      }),
    ],
    origin: { conversationKey: 'personal:29:1ada', kind: 'personal' },
    cards: [{ role: 'approval', conversationKey: 'channel:19:approvals@thread.tacv2', activityId: '1717236000000' }],
    graphApiVersion: 'beta',
    correlationId: '6f1c2a9e-3d4b-4c5d-8e7f-9a0b1c2d3e4f',
    executedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

export function aRequestEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    requestId: 'R-7K3Q',
    at: '2025-06-01T10:00:00.000Z',
    type: 'request.created',
    actorId: '00000000-0000-0000-0000-0000000000a1',
    data: { targets: 1, blocked: 1 },
    ...overrides,
  };
}

export function aStoredConversation(overrides: Partial<StoredConversation> = {}): StoredConversation {
  return {
    key: 'channel:19:approvals@thread.tacv2',
    kind: 'channel',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    teamId: '19:team@thread.tacv2',
    channelId: '19:approvals@thread.tacv2',
    reference: {
      activityId: '1717236000000',
      bot: { id: '28:bot-app-id', name: 'SOA Bot' },
      conversation: { id: '19:approvals@thread.tacv2', isGroup: true, conversationType: 'channel', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
    },
    updatedAt: '2025-06-01T09:00:00.000Z',
    ...overrides,
  };
}

/** Who holds which role: nobody in any role (no group, no ids), unless the overrides say so. */
export function roleSettings(overrides: Partial<RoleSettings> = {}): RoleSettings {
  return {
    requesterGroupId: null,
    requesterIds: [],
    approverGroupId: null,
    approverIds: [],
    rollbackApproverGroupId: null,
    rollbackApproverIds: [],
    adminGroupId: null,
    adminIds: [],
    ...overrides,
  };
}
