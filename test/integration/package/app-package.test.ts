import { parse as parseYaml } from 'yaml';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { ICON_SIZES, MissingValuesError, buildAppPackage, fillPlaceholders, readEnvFile } from '../../../scripts/zip-app-package';
import { glyph } from '../../../scripts/make-app-icons';

/**
 * The Teams app package: the manifest validated against Microsoft's own schema (bundled in
 * @microsoft/app-manifest, read from disk: no network), the icons' sizes and pixels (PNG header and
 * data), and the zip `npm run package` writes (manifest and icons at the root, env values filled in).
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const APP = path.join(ROOT, 'appPackage');
const template = fs.readFileSync(path.join(APP, 'manifest.json'), 'utf8');
const manifestTemplate = JSON.parse(template);

/**
 * Microsoft's validator, `AppManifestUtils.validateAgainstSchema(manifest, schema)` of
 * @microsoft/app-manifest, with the schema bundled in that package (read from disk, so nothing is
 * fetched). It runs in a plain Node process: the package pulls in ESM-only dependencies that jest's
 * CommonJS module registry cannot load. Returns its list of problems (empty = valid).
 */
function validateAgainstSchema(manifest: unknown): string[] {
  const script = `
    const { AppManifestUtils } = require('@microsoft/app-manifest');
    const manifest = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const schema = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    globalThis.fetch = () => Promise.reject(new Error('no network: the schema is local'));
    AppManifestUtils.validateAgainstSchema(manifest, schema).then((problems) => process.stdout.write(JSON.stringify(problems)), (e) => { console.error(e); process.exit(2); });`;
  const output = execFileSync(process.execPath, ['-e', script, localSchemaPath((manifest as { $schema: string }).$schema)], {
    cwd: ROOT,
    input: JSON.stringify(manifest),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(output) as string[];
}

/** Values the Toolkit's provision step would write (TEAMS_APP_ID, BOT_ID, BOT_DOMAIN, the tab's TAB_APP_ID). */
const PROVISIONED = {
  TEAMS_APP_ID: '11111111-2222-4333-8444-555555555555',
  BOT_ID: '66666666-7777-4888-9999-000000000000',
  BOT_DOMAIN: 'soabot-dev.azurewebsites.net',
  TAB_APP_ID: '7ab11111-2222-4333-8444-555555555555',
};

/** The schema of the manifest's own $schema version, as bundled in @microsoft/app-manifest. */
function localSchemaPath(schemaUrl: string): string {
  const version = /\/teams\/(v[\d.]+)\/MicrosoftTeams\.schema\.json$/.exec(schemaUrl)?.[1];
  if (!version) throw new Error(`unexpected $schema ${schemaUrl}`);
  return path.join(ROOT, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
}

function localSchema(schemaUrl: string): any {
  return JSON.parse(fs.readFileSync(localSchemaPath(schemaUrl), 'utf8'));
}

interface PngInfo {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  pixel(x: number, y: number): [number, number, number, number];
}

/** Header and RGBA pixels of a PNG (decoded by pngjs, which checks the signature and every chunk's CRC). */
function readPng(data: Buffer): PngInfo {
  const png = PNG.sync.read(data);
  return {
    width: png.width,
    height: png.height,
    colorType: png.colorType,
    bitDepth: png.depth,
    pixel(x, y) {
      const i = (y * png.width + x) * 4;
      return [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
    },
  };
}

/** Entries of a zip, inflated (fflate checks each entry's CRC). */
function readZip(data: Buffer): { name: string; data: Buffer }[] {
  return Object.entries(unzipSync(new Uint8Array(data))).map(([name, body]) => ({ name, data: Buffer.from(body) }));
}

describe('Teams app manifest', () => {
  it('is on a current schema (v1.2x) that @microsoft/app-manifest bundles', () => {
    expect(manifestTemplate.manifestVersion).toMatch(/^1\.2\d$/);
    expect(manifestTemplate.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifestTemplate.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(localSchema(manifestTemplate.$schema)).toHaveProperty('properties.bots');
  });

  it('uses only ${{...}} placeholders of the Agents Toolkit convention, each defined in every Toolkit env file', () => {
    const names = [...template.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(
      new Set([
        'TEAMS_APP_ID',
        'APP_DEVELOPER_NAME',
        'APP_WEBSITE_URL',
        'APP_PRIVACY_URL',
        'APP_TERMS_URL',
        'APP_NAME_SUFFIX',
        'BOT_ID',
        'BOT_DOMAIN',
        'TAB_APP_ID',
      ]),
    );
    // No other variant (${NAME}, {{NAME}}, %NAME%) is left once the Toolkit's placeholders are taken out.
    expect(template.replace(/\$\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g, '')).not.toMatch(/\$\{|\{\{|%[A-Z_]+%/);
    for (const env of ['dev', 'local']) {
      const values = readEnvFile(path.join(ROOT, 'env', `.env.${env}`));
      for (const name of names) expect({ env, name, defined: name in values }).toEqual({ env, name, defined: true });
    }
  });

  it.each(['dev', 'local'])("filled for env/.env.%s, validates against Microsoft's schema offline", async (env) => {
    const values = { ...readEnvFile(path.join(ROOT, 'env', `.env.${env}`)), ...PROVISIONED };
    const { text, missing } = fillPlaceholders(template, (name) => (values as Record<string, string>)[name]);
    expect(missing).toEqual([]);
    const manifest = JSON.parse(text);
    expect(validateAgainstSchema(manifest)).toEqual([]);
    expect(manifest.id).toBe(PROVISIONED.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(PROVISIONED.BOT_ID);
    expect(manifest.validDomains).toEqual([PROVISIONED.BOT_DOMAIN]);
  });

  it("has the personal tab after the bot chat (conversations first), served from the bot's domain, with SSO (webApplicationInfo)", () => {
    const values = { ...readEnvFile(path.join(ROOT, 'env', '.env.dev')), ...PROVISIONED };
    const manifest = JSON.parse(fillPlaceholders(template, (name) => (values as Record<string, string>)[name]).text);
    const tabs = manifest.staticTabs as { entityId: string; scopes: string[]; contentUrl?: string; websiteUrl?: string; name?: string }[];
    expect(tabs.map((t) => t.entityId)).toEqual(['conversations', 'soa-dashboard', 'about']);
    for (const tab of tabs) expect(tab.scopes).toEqual(['personal']);
    const dashboard = tabs[1];
    expect(dashboard.name).toBeTruthy();
    expect(dashboard.contentUrl).toBe(`https://${PROVISIONED.BOT_DOMAIN}/tab/`);
    expect(new URL(dashboard.websiteUrl!).host).toBe(PROVISIONED.BOT_DOMAIN);
    expect(manifest.validDomains).toContain(PROVISIONED.BOT_DOMAIN);
    // The resource's domain must be the tab's; a separate app registration from the bot's (tab-and-sso.md §1).
    expect(manifest.webApplicationInfo).toEqual({ id: PROVISIONED.TAB_APP_ID, resource: `api://${PROVISIONED.BOT_DOMAIN}/${PROVISIONED.TAB_APP_ID}` });
    expect(manifest.webApplicationInfo.id).not.toBe(PROVISIONED.BOT_ID);
  });

  it('the schema check catches a broken tab (a static tab without scopes, webApplicationInfo without id)', () => {
    const values = { ...readEnvFile(path.join(ROOT, 'env', '.env.dev')), ...PROVISIONED };
    const manifest = JSON.parse(fillPlaceholders(template, (name) => (values as Record<string, string>)[name]).text);
    delete manifest.staticTabs[1].scopes;
    delete manifest.webApplicationInfo.id;
    const problems = validateAgainstSchema(manifest).join('\n');
    expect(problems).toMatch(/staticTabs/);
    expect(problems).toMatch(/webApplicationInfo/);
  });

  it('the schema check does catch mistakes (a too-long short name, a missing bot id)', async () => {
    const values = { ...readEnvFile(path.join(ROOT, 'env', '.env.dev')), ...PROVISIONED };
    const manifest = JSON.parse(fillPlaceholders(template, (name) => (values as Record<string, string>)[name]).text);
    manifest.name.short = 'S'.repeat(31);
    delete manifest.bots[0].botId;
    const problems = validateAgainstSchema(manifest);
    expect(problems.join('\n')).toMatch(/name\/short/);
    expect(problems.join('\n')).toMatch(/botId/);
  });

  it('lets people send the bot files (supportsFiles), which Teams allows in a personal chat: the CSV of UPNs', () => {
    expect(manifestTemplate.bots[0].supportsFiles).toBe(true);
  });

  it('declares the bot in personal, team and group chat scopes, with its commands listed for each scope', () => {
    const bot = manifestTemplate.bots[0];
    expect(bot.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    const commandsFor = (scope: string) =>
      bot.commandLists
        .filter((l: { scopes: string[] }) => l.scopes.includes(scope))
        .flatMap((l: { commands: { title: string }[] }) => l.commands.map((c) => c.title));
    for (const scope of ['personal', 'team', 'groupChat']) {
      expect(commandsFor(scope)).toEqual(expect.arrayContaining(['transfer', 'rollback', 'status', 'approve', 'reject', 'help']));
    }
    expect(commandsFor('team')).toContain('notify');
    expect(commandsFor('personal')).toEqual(expect.arrayContaining(['health', 'freeze', 'unfreeze']));
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands) expect(c.description.length).toBeGreaterThan(10);
    }
  });
});

describe('Teams app icons', () => {
  const color = readPng(fs.readFileSync(path.join(APP, 'color.png')));
  const outline = readPng(fs.readFileSync(path.join(APP, 'outline.png')));

  it('color.png is 192x192 and outline.png 32x32 (PNG header)', () => {
    expect([color.width, color.height]).toEqual([ICON_SIZES['color.png'], ICON_SIZES['color.png']]);
    expect([outline.width, outline.height]).toEqual([ICON_SIZES['outline.png'], ICON_SIZES['outline.png']]);
    expect(outline.colorType).toBe(6); // RGBA: the outline needs an alpha channel
    expect(outline.bitDepth).toBe(8);
  });

  it('outline.png has a transparent background and white lines only', () => {
    let opaque = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = outline.pixel(x, y);
        if (a > 0) expect([r, g, b]).toEqual([255, 255, 255]);
        if (a > 200) opaque++;
      }
    }
    for (const [x, y] of [
      [0, 0],
      [31, 0],
      [0, 31],
      [31, 31],
    ])
      expect(outline.pixel(x, y)[3]).toBe(0);
    expect(opaque).toBeGreaterThan(100); // a glyph, not an empty square
    expect(opaque).toBeLessThan(700);
  });

  it('color.png shows the glyph (server, arrow, cloud) in white on an opaque coloured background', () => {
    const [r, g, b, a] = color.pixel(2, 2);
    expect(a).toBe(255);
    expect([r, g, b]).not.toEqual([255, 255, 255]);
    // Where the glyph is, the icon is white: server (left), arrow (middle), cloud (right).
    for (const [u, v] of [
      [0.2, 0.4],
      [0.45, 0.52],
      [0.78, 0.55],
    ]) {
      expect(glyph(u, v)).toBe(true);
      expect(color.pixel(Math.round(u * 192), Math.round(v * 192)).slice(0, 3)).toEqual([255, 255, 255]);
    }
  });
});

describe('npm run package (scripts/zip-app-package.ts)', () => {
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-app-package-'));
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('builds appPackage.<env>.zip with manifest.json, color.png and outline.png at its root, env values filled in', async () => {
    const { zipPath } = buildAppPackage({ root: ROOT, envName: 'dev', env: { ...PROVISIONED }, outputDir: out });
    expect(path.basename(zipPath)).toBe('appPackage.dev.zip');
    const entries = readZip(fs.readFileSync(zipPath));
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
    expect(JSON.stringify(manifest)).not.toMatch(/\$\{\{/);
    expect(manifest.id).toBe(PROVISIONED.TEAMS_APP_ID);
    expect(manifest.name.short).toBe('SOA Bot-dev');
    expect(manifest.developer.name).toBe('Contoso IT');
    expect(validateAgainstSchema(manifest)).toEqual([]);
    expect(entries.find((e) => e.name === 'color.png')!.data).toEqual(fs.readFileSync(path.join(APP, 'color.png')));
    expect(entries.find((e) => e.name === 'outline.png')!.data).toEqual(fs.readFileSync(path.join(APP, 'outline.png')));
  });

  it('refuses to build while provisioned values are missing, naming them', () => {
    let thrown: unknown;
    try {
      buildAppPackage({ root: ROOT, envName: 'dev', env: {}, outputDir: path.join(out, 'refused') });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MissingValuesError);
    expect((thrown as MissingValuesError).missing.sort()).toEqual(['BOT_DOMAIN', 'BOT_ID', 'TAB_APP_ID', 'TEAMS_APP_ID']);
    expect(fs.existsSync(path.join(out, 'refused'))).toBe(false); // nothing written
  });

  it('is what `npm run package -- --env <name>` runs (the built script, env from the environment and env/.env.<name>)', () => {
    const script = path.join(ROOT, 'dist', 'scripts', 'zip-app-package.js');
    expect(fs.existsSync(script)).toBe(true); // npm test builds first
    const output = execFileSync(process.execPath, [script, '--env', 'local'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...PROVISIONED },
      encoding: 'utf8',
    });
    expect(output).toMatch(/appPackage\.local\.zip/);
    const zipPath = path.join(APP, 'build', 'appPackage.local.zip');
    expect(
      readZip(fs.readFileSync(zipPath))
        .map((e) => e.name)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });
});

describe("the tab API's Entra app registration (aad.manifest.json, aadApp/update in the Toolkit files)", () => {
  const aadTemplate = fs.readFileSync(path.join(ROOT, 'aad.manifest.json'), 'utf8');
  const values = { ...readEnvFile(path.join(ROOT, 'env', '.env.dev')), ...PROVISIONED, TAB_AAD_APP_OBJECT_ID: 'abcdef00-0000-4000-8000-000000000001' };
  const filled = fillPlaceholders(aadTemplate, (name) => (values as Record<string, string>)[name]);
  const aad = JSON.parse(filled.text);

  it('fills from the env files and provision (no placeholder left)', () => {
    expect(filled.missing).toEqual([]);
    expect(aad.appId).toBe(PROVISIONED.TAB_APP_ID);
  });

  it('exposes api://<bot domain>/<tab app id> with an enabled access_as_user scope and takes v2 tokens', () => {
    expect(aad.identifierUris).toEqual([`api://${PROVISIONED.BOT_DOMAIN}/${PROVISIONED.TAB_APP_ID}`]);
    expect(aad.accessTokenAcceptedVersion).toBe(2);
    expect(aad.signInAudience).toBe('AzureADMyOrg');
    const scopes = aad.oauth2Permissions as { value: string; id: string; isEnabled: boolean; type: string }[];
    expect(scopes).toHaveLength(1);
    expect(scopes[0]).toMatchObject({ value: 'access_as_user', isEnabled: true, type: 'User' });
    expect(scopes[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // No secret, no Graph permission: it only identifies people to the bot.
    expect(aad.requiredResourceAccess).toEqual([]);
  });

  it('pre-authorizes the Teams desktop/mobile and web clients and the Microsoft 365 / Outlook hosts for that scope', () => {
    const scopeId = aad.oauth2Permissions[0].id;
    const pre = aad.preAuthorizedApplications as { appId: string; permissionIds: string[] }[];
    expect(pre.map((p) => p.appId).sort()).toEqual(
      [
        '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
        '5e3ce6c0-2b1f-4285-8d4b-75ee78787346',
        '4765445b-32c6-49b0-83e6-1d93765276ca',
        '0ec893e0-5785-4de6-99da-4ed124e5296c',
        'd3590ed6-52b3-4102-aeff-aad2292ab01c',
        'bc59ab01-8403-45c6-8796-ac3ef710b3e3',
        '27922004-5251-4030-b22d-91ecd9a37ea4',
      ].sort(),
    );
    for (const p of pre) expect(p.permissionIds).toEqual([scopeId]);
  });

  it.each(['m365agents.yml', 'm365agents.local.yml'])(
    '%s creates the tab app (TAB_APP_ID, no secret) before the bot hosting and applies aad.manifest.json before the app package',
    (file) => {
      const steps = parseYaml(fs.readFileSync(path.join(ROOT, file), 'utf8')).provision as { uses: string; with?: any; writeToEnvironmentFile?: any }[];
      const uses = steps.map((s) => s.uses);
      const create = steps.find((s) => s.uses === 'aadApp/create')!;
      expect(create.with.generateClientSecret).toBe(false);
      expect(create.writeToEnvironmentFile).toEqual({ clientId: 'TAB_APP_ID', objectId: 'TAB_AAD_APP_OBJECT_ID' });
      const update = steps.find((s) => s.uses === 'aadApp/update')!;
      expect(update.with.manifestPath).toBe('./aad.manifest.json');
      expect(uses.indexOf('aadApp/create')).toBeLessThan(uses.indexOf('aadApp/update'));
      expect(uses.indexOf('aadApp/update')).toBeLessThan(uses.indexOf('teamsApp/zipAppPackage'));
      if (uses.includes('arm/deploy')) expect(uses.indexOf('aadApp/create')).toBeLessThan(uses.indexOf('arm/deploy'));
    },
  );
});
