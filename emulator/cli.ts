import { demoTenant } from './seeds/demo-tenant';
import { startGraphEmulator } from './index';
import { TenantSeed, ThrottleOptions } from './types';
import { withSyncedUsers } from './seeds/builders';
import { DEFAULT_BULK_DOMAIN } from './control';
import { readFileSync } from 'node:fs';

/**
 * Standalone emulator: node dist/emulator/cli.js [--port 8443] [--host 127.0.0.1] [--seed demo|empty|<file.json>]
 *   [--audit-delay-ms 5000] [--audit-throttle] [--wrap-soa-in-value] [--soa-patch-status 200|204] [--verbose]
 *   [--synced-users 10000] [--synced-domain contoso.com] [--synced-group "Wave 1"]
 *   [--throttle] [--tenant-size auto|small|medium|large] [--ru-per-10s 8000] [--writes-per-150s 3000]
 *   [--time-scale 10] [--latency-ms 100]
 * --synced-users adds that many synced users (bulkNNNNN@domain) on top of the seed (which stays as it is);
 * any of --throttle/--tenant-size/--ru-per-10s/--writes-per-150s/--time-scale switches the docs/soa-and-graph.md §7 throttle on.
 * Prints one JSON line {baseUrl, authorityHost, tenantId, clientId, clientSecret, port} on stdout; logs go to stderr.
 */
function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const [key, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) args.set(key, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.set(key, argv[++i]);
    else args.set(key, 'true');
  }
  return args;
}

function loadSeed(name: string | undefined): TenantSeed {
  if (!name || name === 'demo') return demoTenant();
  if (name === 'empty') return {};
  return JSON.parse(readFileSync(name, 'utf8')) as TenantSeed;
}

function positive(args: Map<string, string>, name: string): number | undefined {
  const raw = args.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
  return n;
}

function throttleOf(args: Map<string, string>): ThrottleOptions | undefined {
  const keys = ['throttle', 'tenant-size', 'ru-per-10s', 'writes-per-150s', 'time-scale'];
  if (!keys.some((k) => args.has(k))) return undefined;
  const size = args.get('tenant-size');
  if (size !== undefined && !['auto', 'small', 'medium', 'large'].includes(size)) throw new Error('--tenant-size must be auto, small, medium or large');
  return {
    ...(size ? { tenantSize: size as ThrottleOptions['tenantSize'] } : {}),
    ...(args.has('ru-per-10s') ? { resourceUnitsPer10s: positive(args, 'ru-per-10s') } : {}),
    ...(args.has('writes-per-150s') ? { writesPer150s: positive(args, 'writes-per-150s') } : {}),
    ...(args.has('time-scale') ? { timeScale: positive(args, 'time-scale') } : {}),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const verbose = args.has('verbose');
  const patchStatus = args.get('soa-patch-status');
  let seed = loadSeed(args.get('seed'));
  const syncedCount = positive(args, 'synced-users');
  if (syncedCount) {
    seed = withSyncedUsers(seed, Math.floor(syncedCount), args.get('synced-domain') ?? DEFAULT_BULK_DOMAIN, { groupName: args.get('synced-group') });
  }
  const latencyMs = args.has('latency-ms') ? Number(args.get('latency-ms')) : 0;
  if (!(latencyMs >= 0)) throw new Error('--latency-ms must be >= 0');
  const emulator = await startGraphEmulator({
    port: Number(args.get('port') ?? 0),
    host: args.get('host') ?? '127.0.0.1',
    seed,
    throttle: throttleOf(args),
    latencyMs,
    auditDelayMs: Number(args.get('audit-delay-ms') ?? 0),
    auditThrottle: args.has('audit-throttle'),
    wrapSoaInValue: args.has('wrap-soa-in-value'),
    ...(patchStatus ? { soaPatchStatus: Number(patchStatus) === 200 ? 200 : 204 } : {}),
    logger: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const { baseUrl, authorityHost, tenantId, clientId, clientSecret, port } = emulator;
  process.stdout.write(`${JSON.stringify({ baseUrl, authorityHost, tenantId, clientId, clientSecret, port })}\n`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`graph emulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
