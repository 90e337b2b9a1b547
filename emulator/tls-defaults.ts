import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finds the repository's test/certs by walking up from this file, so the same code works from
 * emulator/ (ts-jest) and dist/emulator/ (compiled playground).
 */
export function findCertsDir(start = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'test', 'certs');
    if (existsSync(join(candidate, 'server.pem'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`test/certs/server.pem not found above ${start}; pass options.tls`);
    dir = parent;
  }
}

export function defaultTls(): { key: Buffer; cert: Buffer } {
  const dir = findCertsDir();
  return { key: readFileSync(join(dir, 'server-key.pem')), cert: readFileSync(join(dir, 'server.pem')) };
}

export function defaultClientCertificates(): Buffer[] {
  return [readFileSync(join(findCertsDir(), 'client-cert.pem'))];
}
