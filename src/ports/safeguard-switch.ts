/**
 * The tenant safeguard `blockCloudObjectTakeoverThroughHardMatchEnabled` (docs/soa-and-graph.md §6),
 * switched AS A PERSON: Graph allows it only with a delegated token of a Global Administrator, so the
 * implementation exchanges the person's Teams SSO token on their behalf (OAuth on-behalf-of). The token
 * is used for this one call and never kept or logged.
 */
export interface SafeguardSwitch {
  /** Sets the safeguard, then reads it back: `enabled` is what Graph says after the write. */
  set(userAssertion: string, enabled: boolean): Promise<{ enabled: boolean; requestId: string | null }>;
}

/** not-global-admin: Graph's 403; sign-in-failed: the on-behalf-of exchange was refused; failed: anything else. */
export class SafeguardSwitchError extends Error {
  constructor(
    readonly reason: 'not-global-admin' | 'sign-in-failed' | 'failed',
    message: string,
    readonly details: { status?: number | null; requestId?: string | null } = {},
  ) {
    super(message);
    this.name = 'SafeguardSwitchError';
  }
}
