import { ErrorCode } from '../domain/errors';
import { TargetExecution } from '../domain/soa-request';
import { DirectoryError } from '../ports/directory';
import { describeError } from './wording';

/**
 * A user's execution that failed, in plain words: what Graph refused (403 names the permission),
 * with its request-id. Used by the one execution step (execute-step.ts) for every request.
 */
export function failedExecution(error: unknown, at: string): Partial<TargetExecution> & { errorCode: ErrorCode } {
  if (error instanceof DirectoryError) {
    return {
      outcome: 'failed',
      errorCode: error.code,
      errorDetail: describeDirectoryError(error),
      graphRequestId: error.details.requestId ?? null,
      finishedAt: at,
    };
  }
  return { outcome: 'failed', errorCode: 'GRAPH.UNKNOWN', errorDetail: 'Unexpected error; see the bot log.', finishedAt: at };
}

export function describeDirectoryError(error: DirectoryError): string {
  return describeError({ code: error.code, detail: { permission: error.details.permission ?? null } });
}
