import { missingPermissions } from '../domain/permissions';
import { Clock } from '../ports/clock';
import { IdentityCheck, IdentityReport } from '../ports/identity-check';
import { Logger } from '../ports/logger';

const CERT_WARNING_DAYS = 30;

/** Start-up self-check and `health`: can we get a token, which permissions does it carry, is anything about to break. */
export function describeIdentity(report: IdentityReport, now: Date): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  let ok = true;
  if (!report.tokenObtained) {
    ok = false;
    lines.push(
      `❌ The bot could not get a Microsoft Graph token with its ${report.credentialKind} credential: ${report.error}. Check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and the credential.`,
    );
    return { ok, lines };
  }
  lines.push(`✅ Graph token obtained with the ${report.credentialKind} credential.`);
  const missing = missingPermissions(report.roles);
  if (missing.length === 0) lines.push('✅ All needed application permissions are granted.');
  for (const p of missing) {
    ok = false;
    lines.push(
      `❌ Missing application permission ${p.name} (needed to ${p.why}). Grant it: Entra admin center → App registrations → the bot's app → API permissions → Add a permission → Microsoft Graph → Application permissions → ${p.name}, then "Grant admin consent".`,
    );
  }
  if (report.credentialKind === 'client-secret') lines.push('⚠️ A client secret is in use; a certificate or a managed identity is safer.');
  if (report.certificateNotAfter) {
    const days = Math.floor((Date.parse(report.certificateNotAfter) - now.getTime()) / 86_400_000);
    if (days < 0) {
      ok = false;
      lines.push(`❌ The certificate expired on ${report.certificateNotAfter.slice(0, 10)}.`);
    } else {
      lines.push(`${days < CERT_WARNING_DAYS ? '⚠️' : '✅'} The certificate expires on ${report.certificateNotAfter.slice(0, 10)} (in ${days} days).`);
    }
  }
  return { ok, lines };
}

/**
 * The start-up self-check, run in the background once the bot listens (it never delays the probes):
 * its result is logged and kept here for `health`.
 */
export class StartupCheck {
  private result: { at: string; ok: boolean; lines: string[] } | null = null;

  async run(deps: { identity: IdentityCheck; clock: Clock; logger: Logger }): Promise<void> {
    const log = deps.logger.child({ component: 'self-check' });
    const at = deps.clock.now().toISOString();
    try {
      const report = await deps.identity.check();
      const { ok, lines } = describeIdentity(report, deps.clock.now());
      for (const line of lines) (ok ? log.info.bind(log) : log.warn.bind(log))({ roles: report.roles }, line);
      this.result = { at, ok, lines };
    } catch (error) {
      const message = error instanceof Error ? error.message.slice(0, 200) : 'unknown';
      log.warn({ err: message }, 'the start-up self-check failed');
      this.result = { at, ok: false, lines: [`❌ The self-check failed: ${message}`] };
    }
  }

  /** One line for `health`: when the start-up check ran and whether it passed. */
  summary(): string {
    if (!this.result) return '⏳ The start-up self-check has not finished yet.';
    const when = `${this.result.at.slice(0, 16).replace('T', ' ')} UTC`;
    return this.result.ok ? `✅ Start-up self-check at ${when}: passed.` : `❌ Start-up self-check at ${when}: failed (see the lines above and the log).`;
  }
}
