import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';

/**
 * Writes the Teams app icons (PNG encoding by pngjs):
 *   appPackage/color.png    192x192, white server -> arrow -> cloud on Teams blue
 *   appPackage/outline.png   32x32, the same glyph in white on a transparent background
 * Run: npm run build && node dist/scripts/make-app-icons.js
 */

type Rgba = [number, number, number, number];

/** PNG, 8-bit RGBA, no interlace. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(pixel(x, y), (y * width + x) * 4);
  }
  // No row filter and zlib's default strategy: the same bytes as the icons in appPackage/.
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 9, deflateStrategy: 0, filterType: 0 });
}

/**
 * The glyph, in unit coordinates (0..1 both ways): an on-premises server (two rack units, AD DS) on the
 * left, an arrow, and a cloud (Entra ID) on the right: "move the source of authority to the cloud".
 */
export function glyph(u: number, v: number): boolean {
  const inCircle = (cx: number, cy: number, r: number) => (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  const roundedBox = (x0: number, y0: number, x1: number, y1: number, r: number) => {
    if (u < x0 || u > x1 || v < y0 || v > y1) return false;
    const cx = Math.min(Math.max(u, x0 + r), x1 - r);
    const cy = Math.min(Math.max(v, y0 + r), y1 - r);
    return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  };
  // Server: two rack units, each with a status light and a drive slot cut out.
  const unit = (y0: number, y1: number) => {
    const mid = (y0 + y1) / 2;
    const light = inCircle(0.165, mid, 0.03);
    const slot = u >= 0.23 && u <= 0.33 && Math.abs(v - mid) <= 0.018;
    return roundedBox(0.08, y0, 0.38, y1, 0.035) && !light && !slot;
  };
  const server = unit(0.33, 0.5) || unit(0.54, 0.71);
  // Arrow from the server to the cloud.
  const shaft = u >= 0.41 && u <= 0.5 && Math.abs(v - 0.52) <= 0.04;
  const head = u >= 0.48 && u <= 0.59 && Math.abs(v - 0.52) <= (0.59 - u) * 0.95;
  // Cloud.
  const cloud = inCircle(0.69, 0.6, 0.085) || inCircle(0.78, 0.5, 0.12) || inCircle(0.88, 0.61, 0.07) || (u >= 0.69 && u <= 0.88 && v >= 0.55 && v <= 0.685);
  return server || shaft || head || cloud;
}

/** Average of n x n samples per pixel: smooth edges. */
function coverage(x: number, y: number, size: number, samples = 4): number {
  let hits = 0;
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < samples; j++) {
      if (glyph((x + (i + 0.5) / samples) / size, (y + (j + 0.5) / samples) / size)) hits++;
    }
  }
  return hits / (samples * samples);
}

export function colorIcon(): Buffer {
  const size = 192;
  const blue: [number, number, number] = [0x0f, 0x6c, 0xbd];
  return encodePng(size, size, (x, y) => {
    const c = coverage(x, y, size);
    const mix = (channel: number) => Math.round(channel * (1 - c) + 255 * c);
    return [mix(blue[0]), mix(blue[1]), mix(blue[2]), 255];
  });
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => [255, 255, 255, Math.round(255 * coverage(x, y, size, 8))]);
}

if (require.main === module) {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'appPackage')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const target = path.join(dir, 'appPackage');
  fs.writeFileSync(path.join(target, 'color.png'), colorIcon());
  fs.writeFileSync(path.join(target, 'outline.png'), outlineIcon());
  process.stdout.write(`wrote ${path.join(target, 'color.png')} (192x192) and ${path.join(target, 'outline.png')} (32x32)\n`);
}
