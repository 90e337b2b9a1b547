import type { ChildProcess } from 'node:child_process';

/** Stops `child` when this process exits, however it ends (bench/run.ts turns signals into an exit). */
export function endWithThisProcess(child: ChildProcess): void {
  const orphaned = () => child.kill('SIGTERM');
  process.once('exit', orphaned);
  child.once('exit', () => process.removeListener('exit', orphaned));
}
