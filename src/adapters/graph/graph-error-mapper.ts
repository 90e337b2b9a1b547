import { GraphClientError } from '@microsoft/microsoft-graph-client';
import { DirectoryError } from '../../ports/directory';

/** The Directory operations, each with the application permission Graph checks for it. */
export type GraphOperation =
  | 'getUser'
  | 'getCloudManaged'
  | 'setCloudManaged'
  | 'getDomainAuthenticationType'
  | 'memberGroups'
  | 'findAuditRecords'
  | 'listGroupMemberships'
  | 'getGroupCloudManaged'
  | 'accessPackagesUsingGroup'
  | 'listGroupMembers'
  | 'findGroupsByName'
  | 'listRoleAssignments'
  | 'listRoleEligibilities'
  | 'getGroup'
  | 'setGroupCloudManaged'
  | 'groupMemberGroups'
  | 'listNestedGroups'
  | 'listCloudOnlyMembers'
  | 'countSyncedUsers';

export const OPERATION_PERMISSION: Readonly<Record<GraphOperation, string>> = {
  getUser: 'User.Read.All',
  getCloudManaged: 'User-OnPremisesSyncBehavior.ReadWrite.All',
  setCloudManaged: 'User-OnPremisesSyncBehavior.ReadWrite.All',
  getDomainAuthenticationType: 'Domain.Read.All',
  memberGroups: 'GroupMember.Read.All',
  findAuditRecords: 'AuditLog.Read.All',
  // cloudManagedGroupsOf makes two kinds of call, each with its own permission:
  listGroupMemberships: 'GroupMember.Read.All',
  getGroupCloudManaged: 'Group-OnPremisesSyncBehavior.ReadWrite.All',
  accessPackagesUsingGroup: 'EntitlementManagement.Read.All',
  // Bulk: a group's members and groups by name (GroupMember.Read.All is the least privileged for both).
  listGroupMembers: 'GroupMember.Read.All',
  findGroupsByName: 'GroupMember.Read.All',
  // Rollback preflight for role holders (docs/soa-and-graph.md §6b): the one permission that reads both.
  listRoleAssignments: 'RoleManagement.Read.Directory',
  listRoleEligibilities: 'RoleManagement.Read.Directory',
  // Group SOA (docs/soa-and-graph.md §6a): reading a group, its nesting and members, and switching it.
  getGroup: 'GroupMember.Read.All',
  setGroupCloudManaged: 'Group-OnPremisesSyncBehavior.ReadWrite.All',
  groupMemberGroups: 'GroupMember.Read.All',
  listNestedGroups: 'GroupMember.Read.All',
  listCloudOnlyMembers: 'GroupMember.Read.All',
  countSyncedUsers: 'User.Read.All',
};

/**
 * A failure raised inside the client's pipeline (token acquisition, timeout, connection),
 * carried as a GraphClientError so that the SDK rethrows it unchanged.
 */
export interface PipelineFailure {
  phase: 'auth' | 'timeout' | 'network';
  /** Error class name (e.g. AuthenticationError) or the identity error code (e.g. invalid_client). */
  code: string | null;
}

export function pipelineFailure(failure: PipelineFailure, message: string): GraphClientError {
  const err = new GraphClientError(message);
  err.customError = failure;
  return err;
}

function asPipelineFailure(err: unknown): PipelineFailure | null {
  if (!(err instanceof GraphClientError)) return null;
  const c = err.customError as Partial<PipelineFailure> | undefined;
  return c && (c.phase === 'auth' || c.phase === 'timeout' || c.phase === 'network') ? (c as PipelineFailure) : null;
}

/** Reads Graph's `{"error":{"code","innerError":{"request-id"}}}` envelope; null fields when absent. */
export function parseErrorEnvelope(bodyText: string): { code: string | null; requestId: string | null } {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { code?: unknown; innerError?: Record<string, unknown> } };
    const code = typeof parsed?.error?.code === 'string' ? parsed.error.code : null;
    const rid = parsed?.error?.innerError?.['request-id'];
    return { code, requestId: typeof rid === 'string' ? rid : null };
  } catch {
    return { code: null, requestId: null };
  }
}

/** Maps a non-2xx Graph response (after the retry handler gave up) to a DirectoryError. */
export function mapErrorResponse(op: GraphOperation, status: number, bodyText: string, headerRequestId: string | null): DirectoryError {
  const envelope = parseErrorEnvelope(bodyText);
  const details = { status, graphCode: envelope.code, requestId: headerRequestId ?? envelope.requestId };
  const what = `Graph ${op} failed with HTTP ${status}${envelope.code ? ` (${envelope.code})` : ''}`;
  if (status === 401) return new DirectoryError('GRAPH.AUTH_FAILED', what, details);
  if (status === 403) {
    const permission = OPERATION_PERMISSION[op];
    return new DirectoryError('GRAPH.PERMISSION_MISSING', `${what}: the app needs ${permission}`, { ...details, permission });
  }
  if (status === 404) return new DirectoryError('GRAPH.NOT_FOUND', what, details);
  if (status === 400) return new DirectoryError('GRAPH.BAD_REQUEST', what, details);
  if (status === 429) return new DirectoryError('GRAPH.THROTTLED', `${what} after retries`, details);
  if (status >= 500 && status <= 599) return new DirectoryError('GRAPH.UNAVAILABLE', what, details);
  return new DirectoryError('GRAPH.UNKNOWN', what, details);
}

/** A 2xx response whose body is not what the API documents. */
export function malformedBody(op: GraphOperation, status: number, requestId: string | null): DirectoryError {
  return new DirectoryError('GRAPH.UNKNOWN', `Graph ${op} returned an unexpected body`, {
    status,
    graphCode: null,
    requestId,
  });
}

/** Maps anything thrown while sending a request or reading its body. */
export function mapThrownError(op: GraphOperation, err: unknown, requestId: string | null = null): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const failure = asPipelineFailure(err);
  const details = { status: null, graphCode: failure?.code ?? null, requestId };
  switch (failure?.phase) {
    case 'auth':
      return new DirectoryError('GRAPH.AUTH_FAILED', `Graph ${op}: could not get an access token`, details);
    case 'timeout':
      return new DirectoryError('GRAPH.UNAVAILABLE', `Graph ${op}: no answer within the timeout`, details);
    case 'network':
      return new DirectoryError('GRAPH.UNAVAILABLE', `Graph ${op}: connection failed`, details);
    default:
      return new DirectoryError('GRAPH.UNKNOWN', `Graph ${op}: unexpected client error`, details);
  }
}

/** Wraps a fetch/body-read failure: timeouts (our abort signal) versus connection failures. */
export function transportFailure(err: unknown, timeoutMs: number): GraphClientError {
  const name = err instanceof Error ? err.name : 'Error';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return pipelineFailure({ phase: 'timeout', code: name }, `Graph did not answer within ${timeoutMs} ms`);
  }
  // fetch wraps the socket error (cause.code); node:https gives it directly (code).
  const cause = err instanceof Error ? (err as { cause?: { code?: unknown } }).cause : undefined;
  const own = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : typeof own === 'string' ? own : name;
  return pipelineFailure({ phase: 'network', code }, 'Graph connection failed');
}

/** Identity error code of a token failure (e.g. invalid_client), else the error's class name. */
export function authFailureCode(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const response = (err as { errorResponse?: { error?: unknown } }).errorResponse;
  if (response && typeof response.error === 'string' && response.error) return response.error;
  const match = /\b(invalid_client|invalid_grant|invalid_request|unauthorized_client|invalid_scope)\b/.exec(err.message);
  return match ? match[1] : err.name;
}
