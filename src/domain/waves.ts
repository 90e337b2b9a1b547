/**
 * Execution waves for large requests (`WAVES`, default "1,10%,rest"): a canary of one user, then a
 * tenth, then the rest. After each wave the failure rate decides whether to go on.
 */
export type WaveStep = { kind: 'count'; value: number } | { kind: 'percent'; value: number } | { kind: 'rest' };

export function parseWaves(spec: string): WaveStep[] | null {
  const parts = spec
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) return null;
  const steps: WaveStep[] = [];
  for (const [i, part] of parts.entries()) {
    if (part === 'rest') {
      if (i !== parts.length - 1) return null;
      steps.push({ kind: 'rest' });
    } else if (/^\d+(\.\d+)?%$/.test(part)) {
      const value = Number(part.slice(0, -1));
      if (!(value > 0 && value <= 100)) return null;
      steps.push({ kind: 'percent', value });
    } else if (/^\d+$/.test(part) && Number(part) > 0) {
      steps.push({ kind: 'count', value: Number(part) });
    } else {
      return null;
    }
  }
  return steps;
}

/** Sizes of the waves for `total` users; the last wave always takes whatever is left. */
export function planWaves(steps: WaveStep[], total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  for (const step of steps) {
    if (left <= 0) break;
    const size = step.kind === 'rest' ? left : step.kind === 'count' ? step.value : Math.max(1, Math.ceil((total * step.value) / 100));
    const take = Math.min(size, left);
    sizes.push(take);
    left -= take;
  }
  if (left > 0) sizes.push(left);
  return sizes;
}

/** Halt when the failure rate of the wave that just ended is above the limit (0.05 = 5 %). */
export function shouldHalt(wave: { attempted: number; failed: number }, limit: number): boolean {
  if (wave.attempted === 0) return false;
  return wave.failed / wave.attempted > limit;
}

/** A text progress bar (Adaptive Cards 1.5 has no progress element; text renders everywhere). */
export function progressBar(done: number, total: number, width = 20): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.floor(ratio * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${Math.floor(ratio * 100)}%`;
}
