import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
// The validator @microsoft/app-manifest itself uses for draft-04 schemas (AppManifestUtils.validateAgainstSchema,
// same options); its index cannot be loaded under jest because a dependency is ESM-only.
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { buildTeamsAppPackage, fillManifest } from '../../../src/channels/teams/appPackage/buildPackage';
import { colorIcon, outlineIcon } from '../../../src/channels/teams/appPackage/icons';
import { DEFAULT_COMMANDS } from '../../../src/channels/teams/commands';
import { ONBOARDING_MENU_COMMANDS } from '../../../src/channels/teams/onboarding/commands';
import { ASK_MESSAGE_COMMAND } from '../../../src/channels/teams/messageAction';
import { TEAMS_TAB_PATH } from '../../../src/curator/teamsTabRoute';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'appPackage/manifest.json'), 'utf8'));
const APP_ID = '11111111-2222-3333-4444-555555555555';

/** Errors of a manifest against a schema, as @microsoft/app-manifest reports them. */
function validateAgainstSchema(m: unknown, schema: unknown): string[] {
  const ajv = new AjvDraft04({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema as object);
  return validate(m) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** The schema of the version the manifest declares, as shipped in @microsoft/app-manifest (no network). */
function schemaFor(version: string): unknown {
  const path = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('Teams app package', () => {
  it('the manifest validates against the schema of the version it declares', async () => {
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
    // The generic is the package's manifest type; the schema file is the one for this version.
    const errors = validateAgainstSchema(manifest, schemaFor(manifest.manifestVersion));
    expect(errors).toEqual([]);
  });

  it('the schema check catches a broken manifest', async () => {
    const broken = { ...manifest, id: 'not-a-guid', bots: [{ ...manifest.bots[0], scopes: ['everywhere'] }] };
    const errors = validateAgainstSchema(broken, schemaFor(manifest.manifestVersion));
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('offers the bot commands (questions and the onboarding course) as a command menu, and a search extension', () => {
    const commands = manifest.bots[0].commandLists[0].commands as Array<{ title: string; description: string }>;
    expect(commands.map((c) => c.title)).toEqual([...DEFAULT_COMMANDS.map((c) => c.name), ...ONBOARDING_MENU_COMMANDS.map((c) => c.title)]);
    // The course's entries say what the code does with them.
    expect(commands.slice(DEFAULT_COMMANDS.length)).toEqual(ONBOARDING_MENU_COMMANDS.map((c) => ({ ...c })));
    expect(manifest.composeExtensions[0].commands[0]).toMatchObject({ type: 'query', parameters: [{ name: 'query' }] });
  });

  it('offers "Ask whosecures" as a message action with the command id the bot handles', () => {
    expect(manifest.composeExtensions[0].commands[1]).toEqual({ id: ASK_MESSAGE_COMMAND, type: 'action', title: 'Ask whosecures', description: expect.any(String), context: ['message'], fetchTask: true });
  });

  it('the committed icons are the ones the script draws: 192x192 colour, 32x32 white on transparent', () => {
    const color = readFileSync(join(root, 'appPackage/color.png'));
    const outline = readFileSync(join(root, 'appPackage/outline.png'));
    expect(color.equals(colorIcon())).toBe(true);
    expect(outline.equals(outlineIcon())).toBe(true);
    const c = PNG.sync.read(color);
    expect([c.width, c.height]).toEqual([192, 192]);
    const o = PNG.sync.read(outline);
    expect([o.width, o.height]).toEqual([32, 32]);
    let transparent = 0;
    for (let i = 0; i < o.data.length; i += 4) {
      const alpha = o.data[i + 3];
      if (alpha === 0) transparent++;
      else expect([o.data[i], o.data[i + 1], o.data[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.3);
  });

  it('builds a zip with the app id filled in, still valid', async () => {
    const filled = fillManifest(manifest, { appId: APP_ID, websiteUrl: 'https://bot.example.org' });
    const zip = await JSZip.loadAsync(await buildTeamsAppPackage(filled, { color: colorIcon(), outline: outlineIcon() }));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(packed.id).toBe(APP_ID);
    expect(packed.bots[0].botId).toBe(APP_ID);
    expect(packed.composeExtensions[0].botId).toBe(APP_ID);
    expect(packed.developer.websiteUrl).toBe('https://bot.example.org');
    expect(validateAgainstSchema(packed, schemaFor(packed.manifestVersion))).toEqual([]);
  });

  it('has the matrix as a personal tab (beside the chat), at the address the bot serves it, in validDomains', () => {
    expect(manifest.staticTabs.map((t: { entityId: string }) => t.entityId)).toEqual(['conversations', 'matrix']);
    const tab = manifest.staticTabs[1];
    expect(tab).toMatchObject({ scopes: ['personal'], contentUrl: `https://whosecures.example.com${TEAMS_TAB_PATH}`, websiteUrl: 'https://whosecures.example.com/matrix' });
    expect(manifest.validDomains).toEqual(['whosecures.example.com']);
  });

  it('points the tab and validDomains at TEAMS_APP_BASE_URL, and refuses an address that is not https', async () => {
    const filled = fillManifest(manifest, { appId: APP_ID, baseUrl: 'https://bots.corp.example/whosecures/' });
    expect(filled.staticTabs![1]).toMatchObject({ contentUrl: `https://bots.corp.example/whosecures${TEAMS_TAB_PATH}`, websiteUrl: 'https://bots.corp.example/whosecures/matrix' });
    expect(filled.validDomains).toEqual(['bots.corp.example']);
    expect(validateAgainstSchema(filled, schemaFor(filled.manifestVersion as string))).toEqual([]);
    expect(() => fillManifest(manifest, { appId: APP_ID, baseUrl: 'http://bots.corp.example' })).toThrow(/https/);
    expect(() => fillManifest(manifest, { appId: APP_ID, baseUrl: 'not a url' })).toThrow(/https/);
    expect(manifest.validDomains).toEqual(['whosecures.example.com']); // the template is left alone
  });

  it('refuses an app id that is not a GUID', () => {
    expect(() => fillManifest(manifest, { appId: '' })).toThrow(/GUID/);
  });
});
