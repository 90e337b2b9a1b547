import path from 'node:path';
import { createGraphDirectory, type CreateGraphDirectoryOptions } from '../../../src/adapters/graph';
import { GraphCallOwner } from '../../../src/adapters/graph/graph-call-owner';
import type { GraphCallRecord } from '../../../src/ports/directory';
import type { Logger } from '../../../src/ports/logger';
import { startGraphEmulator } from '../../../emulator';
import type { RunningEmulator } from '../../../emulator/emulator-api';
import type { TenantSeed } from '../../../emulator/types';

export const CERT_AND_KEY = path.resolve(__dirname, '../../certs/client-cert-and-key.pem');

export const IDS = {
  alice: '11111111-1111-4111-8111-111111111111',
  guest: '22222222-2222-4222-8222-222222222222',
  dollar: '33333333-3333-4333-8333-333333333333',
  cloud: '44444444-4444-4444-8444-444444444444',
  outer: '55555555-5555-4555-8555-555555555555',
};

/** 24 plain groups g00..g23; alice is a direct member of g02 and g21, and of g23 through `outer`. */
export const GROUP_IDS = Array.from({ length: 24 }, (_, i) => `aaaaaaaa-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`);

const synced = (id: string, upn: string, sam: string) => ({
  id,
  userPrincipalName: upn,
  displayName: sam,
  mail: upn,
  onPremisesSyncEnabled: true,
  onPremisesImmutableId: `imm-${sam}`,
  onPremisesLastSyncDateTime: '2026-01-10T08:00:00Z',
  onPremisesDistinguishedName: `CN=${sam},OU=Users,DC=contoso,DC=com`,
  onPremisesSamAccountName: sam,
  onPremisesSecurityIdentifier: `S-1-5-21-1-2-3-${sam.length}`,
  onPremisesDomainName: 'contoso.com',
  onPremisesUserPrincipalName: upn,
});

export const SEED: TenantSeed = {
  users: [
    synced(IDS.alice, "alice.o'neil@contoso.com", 'alice'),
    synced(IDS.guest, 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com', 'bob'),
    synced(IDS.dollar, '$svc@contoso.com', 'svc'),
    { id: IDS.cloud, userPrincipalName: 'carol@contoso.com', displayName: 'Carol' },
  ],
  groups: [
    ...GROUP_IDS.map((id, i) => ({
      id,
      displayName: `g${i}`,
      members: i === 2 || i === 21 ? [IDS.alice] : i === 23 ? [IDS.outer] : [],
    })),
    { id: IDS.outer, displayName: 'outer', members: [IDS.alice] },
  ],
  domains: [
    { id: 'contoso.com', authenticationType: 'Managed', isVerified: true, isDefault: true },
    { id: 'fabrikam.com', authenticationType: 'Federated', isVerified: true },
  ],
};

export async function startEmulator(): Promise<RunningEmulator> {
  return startGraphEmulator({ seed: SEED, auditDelayMs: 0 });
}

export interface Harness {
  directory: ReturnType<typeof createGraphDirectory>['directory'];
  bulkDirectory: ReturnType<typeof createGraphDirectory>['bulkDirectory'];
  credentialKind: ReturnType<typeof createGraphDirectory>['credentialKind'];
  records: GraphCallRecord[];
  debugLines: Record<string, unknown>[];
}

export function silentLogger(debugLines: Record<string, unknown>[] = []): Logger {
  const logger: Logger = {
    debug: (fields) => void debugLines.push(fields),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

/** A Graph directory against the emulator: its tenant, credential and hosts; no credential retries, tiny Graph retry delays. */
export function emulatorDirectoryOptions(emu: RunningEmulator): CreateGraphDirectoryOptions {
  return {
    tenantId: emu.tenantId,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    authorityHost: emu.authorityHost,
    graphBaseUrl: emu.baseUrl,
    retryOptions: { maxRetries: 0 },
    retryDelaySeconds: 0.01,
  };
}

/** The request the harness's directories work for: `records` are the calls filed in its record. */
export const HARNESS_REQUEST_ID = 'R-HARNESS';

/**
 * A fresh directory (fresh credential, so a fresh token) against the emulator, with tiny retry delays,
 * working for HARNESS_REQUEST_ID.
 */
export function harness(emu: RunningEmulator, overrides: Partial<CreateGraphDirectoryOptions> = {}): Harness {
  const records: GraphCallRecord[] = [];
  const debugLines: Record<string, unknown>[] = [];
  const logger = silentLogger(debugLines);
  const built = createGraphDirectory({
    ...emulatorDirectoryOptions(emu),
    maxRetries: 3,
    maxRetryDelaySeconds: 2,
    timeoutMs: 5000,
    callLog: { record: (requestId, call) => void (requestId === HARNESS_REQUEST_ID && records.push(call)) },
    logger,
    ...overrides,
  });
  const owner = new GraphCallOwner(HARNESS_REQUEST_ID, logger);
  return {
    directory: built.directory.forRequest(owner),
    bulkDirectory: built.bulkDirectory.forRequest(owner),
    credentialKind: built.credentialKind,
    records,
    debugLines,
  };
}

/** Graph calls seen by the emulator (token calls excluded). */
export function graphCalls(emu: RunningEmulator) {
  return emu.control.calls().filter((c) => c.version !== null);
}

/** Runs the promise and returns what it rejected with (fails the test if it resolved). */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
