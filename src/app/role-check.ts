import { DomainError } from '../domain/errors';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';

/**
 * A role or approval-right question that decides whether a person may ACT (approve, resume, confirm,
 * delegate, freeze...): yes or no, or, when the directory cannot answer (Graph down, a permission
 * missing), the ROLE.CHECK_FAILED refusal, logged once here. A failed check is never answered as "you are
 * not an approver": the person is told the check failed and nothing was changed. Views use
 * hasRoleOrNone instead (they show less, never more).
 */
export function checkRole(
  deps: Pick<AppDeps, 'logger'>,
  ask: () => Promise<boolean>,
  context: Record<string, unknown>,
): Promise<{ ok: true; value: boolean } | { ok: false; error: DomainError }> {
  return checkRights(deps, ask, context);
}

/** checkRole for any answer of the directory about a person's rights (approverRightsFor's, for one). */
export async function checkRights<T>(
  deps: Pick<AppDeps, 'logger'>,
  ask: () => Promise<T>,
  context: Record<string, unknown>,
): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
  try {
    return { ok: true, value: await ask() };
  } catch (error) {
    deps.logger.warn({ ...context, err: errorSummary(error) }, 'role check failed: refused');
    return { ok: false, error: roleCheckFailed(error) };
  }
}

/** The refusal of a role check the directory could not answer, naming Graph's failure (and the missing permission). */
export function roleCheckFailed(error: unknown): DomainError {
  return error instanceof DirectoryError
    ? { code: 'ROLE.CHECK_FAILED', detail: { graphCode: error.code, permission: error.details.permission ?? null } }
    : { code: 'ROLE.CHECK_FAILED', detail: { graphCode: 'GRAPH.UNKNOWN' } };
}
