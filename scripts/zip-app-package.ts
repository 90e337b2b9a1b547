import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Zippable, zipSync } from 'fflate';

/**
 * Builds the Teams app package without the Agents Toolkit:
 *   npm run package -- --env dev     (or ENV_NAME=dev npm run package)  ->  appPackage/build/appPackage.dev.zip
 * Fills every ${{NAME}} in appPackage/manifest.json from the environment, then env/.env.<env>.user,
 * then env/.env.<env> (first wins), refuses to write a package with an empty placeholder, checks the
 * icon sizes, and zips manifest.json, color.png and outline.png at the zip's root (the layout Teams and
 * the Toolkit's teamsApp/zipAppPackage produce).
 */

export function readEnvFile(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const values: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!match || line.trim().startsWith('#')) continue;
    values[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

export function fillPlaceholders(template: string, lookup: (name: string) => string | undefined): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const text = template.replace(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_all, name: string) => {
    const value = lookup(name);
    if (value === undefined || (value === '' && name !== 'APP_NAME_SUFFIX')) {
      missing.add(name);
      return '';
    }
    // The value goes inside a JSON string.
    return JSON.stringify(value).slice(1, -1);
  });
  return { text, missing: [...missing] };
}

export function pngSize(file: string): { width: number; height: number } {
  const data = fs.readFileSync(file);
  if (data.length < 24 || data.toString('ascii', 12, 16) !== 'IHDR') throw new Error(`${file} is not a PNG`);
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

/** Fixed entry times (local 2024-01-01 00:00, the zip format stores local time): reproducible packages. */
const ENTRY_TIME = new Date(2024, 0, 1, 0, 0, 0);

/** A zip (deflate) of in-memory files at the archive root. */
export function zip(files: { name: string; data: Buffer }[]): Buffer {
  const entries: Zippable = {};
  for (const file of files) entries[file.name] = [new Uint8Array(file.data), { level: 9, mtime: ENTRY_TIME }];
  const archive = zipSync(entries);
  return Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
}

export class MissingValuesError extends Error {
  constructor(
    readonly envName: string,
    readonly missing: string[],
  ) {
    super(
      `Cannot build the app package for "${envName}": empty or unset ${missing.join(', ')} (set them in env/.env.${envName}, env/.env.${envName}.user or the environment; the Toolkit's provision step fills TEAMS_APP_ID, BOT_ID and BOT_DOMAIN).`,
    );
    this.name = 'MissingValuesError';
  }
}

export const ICON_SIZES = { 'color.png': 192, 'outline.png': 32 } as const;

/** Fills the manifest for one environment, checks it and the icons, writes the zip. */
export function buildAppPackage(options: { root: string; envName: string; env?: Record<string, string | undefined>; outputDir?: string }): {
  zipPath: string;
  manifest: Record<string, unknown>;
} {
  const appPackage = path.join(options.root, 'appPackage');
  const env = options.env ?? process.env;
  const files = [
    readEnvFile(path.join(options.root, 'env', `.env.${options.envName}.user`)),
    readEnvFile(path.join(options.root, 'env', `.env.${options.envName}`)),
  ];
  const lookup = (name: string) => env[name] ?? files.find((f) => name in f)?.[name];
  const { text, missing } = fillPlaceholders(fs.readFileSync(path.join(appPackage, 'manifest.json'), 'utf8'), lookup);
  if (missing.length > 0) throw new MissingValuesError(options.envName, missing);
  const manifest = JSON.parse(text) as Record<string, unknown>; // still valid JSON after filling
  for (const [file, size] of Object.entries(ICON_SIZES)) {
    const { width, height } = pngSize(path.join(appPackage, file));
    if (width !== size || height !== size) throw new Error(`appPackage/${file} must be ${size}x${size}, is ${width}x${height}`);
  }
  const zipPath = path.join(options.outputDir ?? path.join(appPackage, 'build'), `appPackage.${options.envName}.zip`);
  fs.mkdirSync(path.dirname(zipPath), { recursive: true });
  fs.writeFileSync(
    zipPath,
    zip([
      { name: 'manifest.json', data: Buffer.from(text, 'utf8') },
      { name: 'color.png', data: fs.readFileSync(path.join(appPackage, 'color.png')) },
      { name: 'outline.png', data: fs.readFileSync(path.join(appPackage, 'outline.png')) },
    ]),
  );
  return { zipPath, manifest };
}

function main(): void {
  let root = __dirname;
  while (!fs.existsSync(path.join(root, 'appPackage', 'manifest.json')) && path.dirname(root) !== root) root = path.dirname(root);
  const args = process.argv.slice(2);
  const flag = args.indexOf('--env');
  const envName = (flag >= 0 ? args[flag + 1] : undefined) ?? process.env.ENV_NAME ?? process.env.TEAMSFX_ENV ?? 'dev';
  if (!/^[A-Za-z0-9_-]+$/.test(envName)) {
    process.stderr.write(`invalid environment name "${envName}"\n`);
    process.exit(2);
  }
  try {
    const { zipPath } = buildAppPackage({ root, envName });
    process.stdout.write(`wrote ${path.relative(process.cwd(), zipPath)} (manifest.json, color.png, outline.png at the root)\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();
