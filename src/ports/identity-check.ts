/** What the bot's own Graph identity can do, read from a freshly obtained token (start-up self-check, `health`). */
export interface IdentityReport {
  tokenObtained: boolean;
  /** Short reason when no token could be obtained (never the secret or the token). */
  error: string | null;
  credentialKind: 'certificate' | 'managed-identity' | 'client-secret';
  /** Application permissions in the token's `roles` claim. */
  roles: string[];
  /** Certificate credential only: when the certificate stops working. */
  certificateNotAfter: string | null;
}

export interface IdentityCheck {
  check(): Promise<IdentityReport>;
}
