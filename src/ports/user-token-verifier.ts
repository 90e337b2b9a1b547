/** Who called the tab API, from a validated Entra SSO token: nothing here comes from the page. */
export interface TabIdentity {
  /** The person's Entra object id (`oid`), lower case: the key of every role check. */
  oid: string;
  tenantId: string;
  /** Display name from the token (`name`), for the event log and cards; never used for decisions. */
  name: string;
}

/** Validates a bearer token from the tab; null on any failure (the caller answers 401 and nothing more). */
export interface UserTokenVerifier {
  verify(token: string): Promise<TabIdentity | null>;
}
