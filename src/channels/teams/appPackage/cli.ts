import 'dotenv/config';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildTeamsAppPackage, EXAMPLE_BASE_URL, fillManifest, PackageError } from './buildPackage';
import { colorIcon, outlineIcon } from './icons';

/**
 * `npm run teams:package`: writes artifacts/whosecures-teams.zip from appPackage/ with the app id
 * from MicrosoftAppId. `... cli.js icons` redraws appPackage/color.png and outline.png.
 * Optional: TEAMS_APP_VERSION, TEAMS_APP_WEBSITE_URL, TEAMS_APP_PRIVACY_URL, TEAMS_APP_TERMS_URL, and
 * TEAMS_APP_BASE_URL (the bot's public address, for the matrix tab).
 */
async function main(): Promise<void> {
  const root = resolve(__dirname, '../../../../..');
  const dir = join(root, 'appPackage');
  if (process.argv[2] === 'icons') {
    writeFileSync(join(dir, 'color.png'), colorIcon());
    writeFileSync(join(dir, 'outline.png'), outlineIcon());
    process.stdout.write(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}\n`);
    return;
  }
  const env = process.env;
  const template = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const manifest = fillManifest(template, {
    appId: env.MicrosoftAppId?.trim() ?? '',
    version: env.TEAMS_APP_VERSION?.trim() || undefined,
    websiteUrl: env.TEAMS_APP_WEBSITE_URL?.trim() || undefined,
    privacyUrl: env.TEAMS_APP_PRIVACY_URL?.trim() || undefined,
    termsOfUseUrl: env.TEAMS_APP_TERMS_URL?.trim() || undefined,
    baseUrl: env.TEAMS_APP_BASE_URL?.trim() || undefined,
  });
  if ((manifest.validDomains ?? []).includes(new URL(EXAMPLE_BASE_URL).host)) {
    process.stderr.write(`note: the matrix tab still points at ${EXAMPLE_BASE_URL}; set TEAMS_APP_BASE_URL to the bot's public https address\n`);
  }
  if (Object.values(manifest.developer).some((v) => v.startsWith('https://example.com'))) {
    process.stderr.write('note: developer URLs are still example.com; set TEAMS_APP_WEBSITE_URL, TEAMS_APP_PRIVACY_URL and TEAMS_APP_TERMS_URL before publishing\n');
  }
  const zip = await buildTeamsAppPackage(manifest, { color: readFileSync(join(dir, 'color.png')), outline: readFileSync(join(dir, 'outline.png')) });
  mkdirSync(join(root, 'artifacts'), { recursive: true });
  const out = join(root, 'artifacts', 'whosecures-teams.zip');
  writeFileSync(out, zip);
  process.stdout.write(`wrote ${out} (app id ${manifest.id})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof PackageError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
