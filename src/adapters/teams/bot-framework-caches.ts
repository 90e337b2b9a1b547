import { AppCredentials } from 'botframework-connector';
// Not exported from the package index; the static cache of OpenID metadata (signing keys) per URL.
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor';

/**
 * botbuilder keeps process-wide caches: outbound tokens per app id and scope (AppCredentials.cache) and
 * the signing keys per OpenID metadata URL (refreshed at most once an hour for an unknown key id).
 * Tests that start bots against fresh local issuers clear them in between.
 */
export function clearBotFrameworkCaches(): void {
  // Both are private statics in the typings; they are plain Maps at runtime.
  (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.clear();
  (JwtTokenExtractor as unknown as { openIdMetadataCache: Map<string, unknown> }).openIdMetadataCache.clear();
}
