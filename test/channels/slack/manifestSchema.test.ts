import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/** manifest.json against Slack's own manifest schema (test/fixtures/slack-manifest-schema/README.md). */
const root = join(__dirname, '../../..');
const fixtures = join(root, 'test/fixtures/slack-manifest-schema');
const vendored = join(root, '../shared/vendor/slack-manifest-schema');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON document walked by path in each assertion

function validator(version: '1.0.0' | '2.0.0') {
  // Strict about keywords, so one the validator does not know fails loudly; Slack's schemas carry
  // two annotations of their own, `_note` (a comment) and `regex` (beside the standard `pattern`).
  // Not strict about types: the schemas use union types and leave `type` implicit in places.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  ajv.addKeyword('_note');
  ajv.addKeyword('regex');
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(fixtures, `manifest.schema.${version}.json`), 'utf8')) as object);
}

function errors(version: '1.0.0' | '2.0.0', m: unknown): string[] {
  const validate = validator(version);
  return validate(m) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe("manifest.json against Slack's manifest schema", () => {
  it('declares manifest version 2, and validates against the 2.0.0 schema', () => {
    expect(manifest._metadata.major_version).toBe(2);
    expect(errors('2.0.0', manifest)).toEqual([]);
  });

  it('also validates against the 1.0.0 schema (Slack accepts both for this app)', () => {
    expect(errors('1.0.0', manifest)).toEqual([]);
  });

  it('the schema check catches broken manifests', () => {
    const broken = [
      { ...manifest, display_information: { ...manifest.display_information, name: '' } },
      { ...manifest, features: { ...manifest.features, slash_commands: [{ ...manifest.features.slash_commands[0], command: 'whosecures' }] } },
      { ...manifest, oauth_config: { ...manifest.oauth_config, scopez: { bot: [] } } },
      { ...manifest, settings: { ...manifest.settings, event_subscriptions: { ...manifest.settings.event_subscriptions, bot_events: ['app_mention', 42] } } },
    ];
    for (const m of broken) expect(errors('2.0.0', m).length).toBeGreaterThan(0);
  });

  const hasVendored = existsSync(vendored);
  (hasVendored ? it : it.skip)('the copy in test/fixtures is the vendored schema, unchanged', () => {
    for (const name of readdirSync(vendored)) expect(readFileSync(join(fixtures, name), 'utf8')).toBe(readFileSync(join(vendored, name), 'utf8'));
  });
});
