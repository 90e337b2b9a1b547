import { demoTenant } from './seeds/demo-tenant';
import { startGraphEmulator } from './index';
import { TenantSeed } from './types';
import { readFileSync } from 'node:fs';

/**
 * Standalone emulator: node dist/emulator/cli.js [--port 8443] [--host 127.0.0.1] [--seed demo|empty|<file.json>]
 *   [--audit-delay-ms 5000] [--audit-throttle] [--wrap-soa-in-value] [--soa-patch-status 200|204] [--verbose]
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const verbose = args.has('verbose');
  const patchStatus = args.get('soa-patch-status');
  const emulator = await startGraphEmulator({
    port: Number(args.get('port') ?? 0),
    host: args.get('host') ?? '127.0.0.1',
    seed: loadSeed(args.get('seed')),
    auditDelayMs: Number(args.get('audit-delay-ms') ?? 0),
    auditThrottle: args.has('audit-throttle'),
    wrapSoaInValue: args.has('wrap-soa-in-value'),
    ...(patchStatus ? { soaPatchStatus: Number(patchStatus) === 200 ? 200 : 204 } : {}),
    logger: verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const { baseUrl, authorityHost, tenantId, clientId, clientSecret, port } = emulator;
  process.stdout.write(`${JSON.stringify({ baseUrl, authorityHost, tenantId, clientId, clientSecret, port })}\n`);
  const stop = () => {
    emulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`graph emulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
