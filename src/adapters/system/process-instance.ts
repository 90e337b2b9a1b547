import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Instance } from '../../ports/instance';

/**
 * Owner ids are `host|pid|nonce`. A lease owner on this host is gone when its process is not running
 * (kill(pid, 0) answers ESRCH), or when its pid is this process's own (a container restarted in place
 * gets the same pid, often 1, and the same host name; two live processes never share a pid).
 * Owners on other hosts are never judged: their leases lapse on their own.
 */
export function processInstance(options: { host?: string; pid?: number; alive?: (pid: number) => boolean } = {}): Instance {
  const host = (options.host ?? os.hostname()).replace(/\|/g, '_');
  const pid = options.pid ?? process.pid;
  const alive = options.alive ?? processAlive;
  const id = `${host}|${pid}|${randomUUID().slice(0, 8)}`;
  return {
    id,
    isGone(owner) {
      const parts = owner.split('|');
      if (parts.length !== 3 || parts[0] !== host || owner === id) return false;
      const other = Number(parts[1]);
      if (!Number.isInteger(other) || other <= 0) return false;
      return other === pid || !alive(other);
    },
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
