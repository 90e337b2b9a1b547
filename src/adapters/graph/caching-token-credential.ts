import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * Keeps the last Graph token until five minutes before it expires. The Graph client asks for a token
 * on every request; @azure/identity answers from MSAL's cache, but that lookup still costs CPU on
 * every call, which shows under load (a burst of `status` commands). One refresh at a time.
 */
export class CachingTokenCredential implements TokenCredential {
  private cached: { key: string; token: AccessToken } | null = null;
  private pending: Promise<AccessToken | null> | null = null;

  constructor(private readonly inner: TokenCredential) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = Array.isArray(scopes) ? scopes.join(' ') : scopes;
    if (this.cached && this.cached.key === key && this.cached.token.expiresOnTimestamp - Date.now() > REFRESH_BEFORE_EXPIRY_MS) return this.cached.token;
    if (!this.pending) {
      this.pending = this.inner
        .getToken(scopes, options)
        .then((token) => {
          this.cached = token ? { key, token } : null;
          return token;
        })
        .finally(() => {
          this.pending = null;
        });
    }
    return this.pending;
  }
}
