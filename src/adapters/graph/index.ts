import type { GraphCallLog } from '../../ports/graph-call-log';
import type { Logger } from '../../ports/logger';
import type { RequestDirectories } from '../../ports/request-directories';
import type { Clock } from '../../ports/clock';
import { createCredential, type CredentialKind, type CredentialOptions } from './credential-factory';
import { createGraphClient, DEFAULT_GRAPH_BASE_URL, type GraphApiVersion, type GraphClientOptions } from './graph-client-factory';
import { GraphDirectory } from './graph-directory';
import { GraphBulkDirectory, type GraphBulkDirectoryOptions } from './graph-bulk-directory';
import { GraphIdentityCheck } from './graph-identity-check';
import { defaultGraphScope } from './graph-client-factory';
import { GraphCallOwner } from './graph-call-owner';

export { createCredential, CredentialConfigError } from './credential-factory';
export type { BuiltCredential, CredentialKind, CredentialOptions } from './credential-factory';
export { createGraphClient, DEFAULT_GRAPH_BASE_URL, DEFAULT_TIMEOUT_MS } from './graph-client-factory';
export type { GraphApiVersion, GraphClientOptions } from './graph-client-factory';
export { GraphDirectory } from './graph-directory';
export { USER_SELECT, CHECK_MEMBER_GROUPS_CHUNK, MEMBER_OF_SELECT, ACCESS_PACKAGE_EXPAND } from './graph-selects';
export type { GraphDirectoryOptions } from './graph-directory';
export { GraphBulkDirectory } from './graph-bulk-directory';
export { OboSafeguardSwitch, SAFEGUARD_DELEGATED_PERMISSION } from './obo-safeguard-switch';
export type { GraphBulkDirectoryOptions } from './graph-bulk-directory';
export { GraphBatchExecutor, MAX_BATCH_ITEMS, parseRetryAfter } from './graph-batch-executor';
export type { GraphBatchExecutorOptions } from './graph-batch-executor';
export type { BatchItemOutcome, BatchRequestSpec } from './graph-batch-types';
export { ThrottleController } from './throttle-controller';
export type { BatchFeedback, Lane, ThrottleControllerOptions, ThrottleStats } from './throttle-controller';
export { OPERATION_PERMISSION, mapErrorResponse, mapThrownError } from './graph-error-mapper';
export type { GraphOperation } from './graph-error-mapper';
export { userPath, domainPath, auditFilter, odataString, groupPath, catalogPath, originIdFilter, catalogIdFilter } from './graph-paths';

export interface CreateGraphDirectoryOptions extends CredentialOptions {
  /** Default https://graph.microsoft.com (https only). */
  graphBaseUrl?: string;
  /** Default 'v1.0'. */
  apiVersion?: GraphApiVersion;
  /** Default 3 (max 10): retries of 429/503/504, honouring Retry-After. */
  maxRetries?: number;
  /** Seconds before a retry without Retry-After. Default 3. */
  retryDelaySeconds?: number;
  /** Cap in seconds on each retry delay. Default 30. */
  maxRetryDelaySeconds?: number;
  /** Per-attempt timeout in ms. Default 20000. */
  timeoutMs?: number;
  /** Where every HTTP request sent to Graph for a request (each retry attempt too) is filed; see `directories`. */
  callLog?: GraphCallLog;
  /** The log of calls made outside any request; a request's calls log through the logger given to forRequest. */
  logger?: Logger;
  /** The composition root's clock: call records' times, when a throttled unit is due. Default: system time. */
  clock?: Clock;
  maxAuditPages?: number;
  /** Pages followed at most for memberOf and entitlement-management lists (default 20); more fails closed. */
  maxListPages?: number;
  /** Parallel group SOA reads in cloudManagedGroupsOf (default 4). */
  groupReadConcurrency?: number;
  /**
   * Tuning of the bulk directory ($batch): controller windows, item retries, back-off. Its whole-$batch
   * SDK retries default to maxRetries / retryDelaySeconds / maxRetryDelaySeconds above.
   */
  bulk?: Omit<GraphBulkDirectoryOptions, 'client' | 'apiVersion' | 'baseUrl' | 'logger' | 'clock'>;
}

export interface CreatedGraphDirectory {
  /** For calls made outside any request (status, preflight before a request exists, self-check): not filed. */
  directory: GraphDirectory;
  /** Many users at once over $batch, same client (auth, retries, timeouts) and API version. */
  bulkDirectory: GraphBulkDirectory;
  /** Both, for one request: the same client, executor and throttle controller, each call filed in its record. */
  directories: RequestDirectories;
  /** Which credential was used: start-up should warn on 'client-secret'. */
  credentialKind: CredentialKind;
  /** Token and permission self-check with the same credential. */
  identityCheck: GraphIdentityCheck;
}

/** Builds credential, Graph client and directory in one go. Makes no network call. */
export function createGraphDirectory(options: CreateGraphDirectoryOptions): CreatedGraphDirectory {
  const { credential, kind } = createCredential(options);
  const baseUrl = options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL;
  const clientOptions: GraphClientOptions = {
    credential,
    baseUrl,
    apiVersion: options.apiVersion,
    maxRetries: options.maxRetries,
    retryDelaySeconds: options.retryDelaySeconds,
    maxRetryDelaySeconds: options.maxRetryDelaySeconds,
    timeoutMs: options.timeoutMs,
    callLog: options.callLog,
    logger: options.logger,
    clock: options.clock,
  };
  const client = createGraphClient(clientOptions);
  const directory = new GraphDirectory({
    client,
    apiVersion: options.apiVersion,
    baseUrl,
    maxAuditPages: options.maxAuditPages,
    maxListPages: options.maxListPages,
    groupReadConcurrency: options.groupReadConcurrency,
    logger: options.logger,
  });
  const bulkDirectory = new GraphBulkDirectory({
    batchRetries: { maxRetries: options.maxRetries, delaySeconds: options.retryDelaySeconds, maxDelaySeconds: options.maxRetryDelaySeconds },
    ...options.bulk,
    client,
    apiVersion: options.apiVersion,
    baseUrl,
    logger: options.logger,
    clock: options.clock,
  });
  const identityCheck = new GraphIdentityCheck(credential, {
    scope: defaultGraphScope(baseUrl),
    credentialKind: kind,
    certificatePath: options.certificatePath,
  });
  const directories: RequestDirectories = {
    forRequest(requestId, logger) {
      const owner = new GraphCallOwner(requestId, logger.child({ component: 'graph' }));
      return { directory: directory.forRequest(owner), bulk: bulkDirectory.forRequest(owner) };
    },
  };
  return { directory, bulkDirectory, directories, credentialKind: kind, identityCheck };
}
