import { ManagedIdentityCredential } from '@azure/identity';
import { createCredential, CredentialConfigError } from '../../../src/adapters/graph/credential-factory';
import {
  auditFilter,
  catalogIdFilter,
  catalogPath,
  domainPath,
  groupPath,
  odataString,
  originIdFilter,
  userPath,
} from '../../../src/adapters/graph/graph-paths';
import { retryOptions } from '../../../src/adapters/graph/graph-client-factory';
import { mapErrorResponse, mapThrownError, pipelineFailure } from '../../../src/adapters/graph/graph-error-mapper';
import { DirectoryError } from '../../../src/ports/directory';

describe('Graph path encoding (unit)', () => {
  it('leaves plain UPNs and object ids as they are', () => {
    expect(userPath('alice@contoso.com')).toBe('/users/alice@contoso.com');
    expect(userPath('6f1c2d4e-0000-4000-8000-000000000001')).toBe('/users/6f1c2d4e-0000-4000-8000-000000000001');
  });

  it('encodes # of guest UPNs as %23', () => {
    expect(userPath('bob_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe('/users/bob_fabrikam.com%23EXT%23@contoso.onmicrosoft.com');
  });

  it('uses the key form for a UPN starting with $ and doubles single quotes', () => {
    expect(userPath('$svc@contoso.com')).toBe("/users('$svc@contoso.com')");
    expect(userPath("$o'brien@contoso.com")).toBe("/users('$o''brien@contoso.com')");
    expect(userPath('$g#EXT#@contoso.com')).toBe("/users('$g%23EXT%23@contoso.com')");
  });

  it('keeps single quotes unchanged outside the key form', () => {
    expect(userPath("o'brien@contoso.com")).toBe("/users/o'brien@contoso.com");
  });

  it('cannot be steered out of the users collection', () => {
    expect(userPath('a/../../groups')).toBe('/users/a%2F..%2F..%2Fgroups');
    expect(userPath('a?$select=x')).toBe('/users/a%3F$select=x');
    expect(() => userPath('  ')).toThrow(DirectoryError);
    expect(() => userPath('..')).toThrow(DirectoryError);
  });

  it('builds domain paths and the audit filter with OData literals', () => {
    expect(domainPath('Contoso.COM')).toBe('/domains/contoso.com');
    expect(odataString("O'Brien")).toBe("O''Brien");
    expect(auditFilter("id'1", 'Change Source of Authority', '2026-03-01T10:00:00+01:00')).toBe(
      "startswith(activityDisplayName,'Change Source of Authority') and targetResources/any(t:t/id eq 'id''1') and activityDateTime ge 2026-03-01T09:00:00.000Z",
    );
    expect(() => auditFilter('x', 'y', 'not a date')).toThrow(DirectoryError);
  });
});

describe('retry options and error mapping (unit)', () => {
  it('caps the retry delay at the configured maximum, Retry-After included', () => {
    const opts = retryOptions(50, 500, 0.25);
    expect(opts.maxRetries).toBe(10);
    expect(opts.delay).toBe(0.25);
    const copy = Object.assign({}, opts) as { getMaxDelay(): number };
    expect(copy.getMaxDelay()).toBe(0.25);
  });

  it('branches on status and code, never on the message, and keeps the request-id', () => {
    const body = JSON.stringify({ error: { code: 'Authorization_RequestDenied', message: 'token=abc', innerError: { 'request-id': 'rid-1' } } });
    const e403 = mapErrorResponse('memberGroups', 403, body, null);
    expect(e403.code).toBe('GRAPH.PERMISSION_MISSING');
    expect(e403.details).toEqual({ status: 403, graphCode: 'Authorization_RequestDenied', requestId: 'rid-1', permission: 'GroupMember.Read.All' });
    expect(e403.message).not.toContain('token=abc');
    expect(mapErrorResponse('getUser', 502, '<html>', 'rid-h').details.requestId).toBe('rid-h');
    expect(mapErrorResponse('getUser', 502, '<html>', null).code).toBe('GRAPH.UNAVAILABLE');
    expect(mapErrorResponse('getUser', 409, '{}', null).code).toBe('GRAPH.UNKNOWN');
    expect(mapErrorResponse('getUser', 401, '{}', null).code).toBe('GRAPH.AUTH_FAILED');
  });

  it('maps pipeline failures by phase and anything else to UNKNOWN', () => {
    expect(mapThrownError('getUser', pipelineFailure({ phase: 'auth', code: 'invalid_client' }, 'x')).code).toBe('GRAPH.AUTH_FAILED');
    expect(mapThrownError('getUser', pipelineFailure({ phase: 'timeout', code: 'TimeoutError' }, 'x')).code).toBe('GRAPH.UNAVAILABLE');
    expect(mapThrownError('getUser', new Error('boom')).code).toBe('GRAPH.UNKNOWN');
  });
});

describe('group and entitlement-management paths (unit)', () => {
  it('escapes group and catalog ids like user keys and refuses empty ones', () => {
    expect(groupPath('6f1c2d4e-0000-4000-8000-000000000001')).toBe('/groups/6f1c2d4e-0000-4000-8000-000000000001');
    expect(groupPath('a/../users')).toBe('/groups/a%2F..%2Fusers');
    expect(catalogPath('c?x')).toBe('/identityGovernance/entitlementManagement/catalogs/c%3Fx');
    expect(() => groupPath(' ')).toThrow(DirectoryError);
    expect(() => catalogPath('..')).toThrow(DirectoryError);
  });

  it('quotes ids as OData string literals in filters', () => {
    expect(originIdFilter("o'brien")).toBe("originId eq 'o''brien'");
    expect(catalogIdFilter('c1')).toBe("catalog/id eq 'c1'");
  });
});

describe('credential factory (unit, no network)', () => {
  const base = { tenantId: 't', clientId: 'c', authorityHost: 'https://login.example' };
  it('prefers certificate, then managed identity, then client secret', () => {
    expect(createCredential({ ...base, certificatePath: '/x.pem', clientSecret: 's', managedIdentity: {} }).kind).toBe('certificate');
    expect(createCredential({ ...base, clientSecret: 's', managedIdentity: { clientId: 'mi' } }).kind).toBe('managed-identity');
    expect(createCredential({ ...base, managedIdentity: {} }).credential).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential({ ...base, clientSecret: 's' }).kind).toBe('client-secret');
  });
  it('refuses a missing credential and a non-https authority', () => {
    expect(() => createCredential(base)).toThrow(CredentialConfigError);
    expect(() => createCredential({ ...base, clientSecret: 's', authorityHost: 'http://login.example' })).toThrow(/https/);
  });
});
