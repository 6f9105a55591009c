import JSZip from 'jszip';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PackageSettings {
  /** The Azure Bot's Microsoft App ID: the bot id, and the Teams app id. */
  appId: string;
  websiteUrl?: string;
  privacyUrl?: string;
  termsOfUseUrl?: string;
  version?: string;
  /** The bot's public https address (TEAMS_APP_BASE_URL): the matrix tab's pages and validDomains. */
  baseUrl?: string;
}

/** The address the committed manifest's tab points at, replaced by `baseUrl`. */
export const EXAMPLE_BASE_URL = 'https://whosecures.example.com';

export class PackageError extends Error {
  readonly code = 'TEAMS_PACKAGE_INVALID';
}

type Manifest = Record<string, unknown> & {
  id: string;
  version: string;
  developer: Record<string, string>;
  bots: Array<{ botId: string }>;
  composeExtensions?: Array<{ botId: string }>;
  staticTabs?: Array<{ entityId: string; contentUrl?: string; websiteUrl?: string }>;
  validDomains?: string[];
};

/** The committed manifest with the deployment's app id (and URLs, when given) filled in. */
export function fillManifest(template: Manifest, settings: PackageSettings): Manifest {
  if (!GUID.test(settings.appId)) throw new PackageError('MicrosoftAppId must be the Azure Bot app id (a GUID)');
  for (const [key, url] of Object.entries({ websiteUrl: settings.websiteUrl, privacyUrl: settings.privacyUrl, termsOfUseUrl: settings.termsOfUseUrl })) {
    if (url !== undefined && !/^https:\/\/\S+$/.test(url)) throw new PackageError(`${key} must be an https URL`);
  }
  let base: URL | undefined;
  if (settings.baseUrl !== undefined) {
    try {
      base = new URL(settings.baseUrl);
    } catch {
      base = undefined;
    }
    if (!base || base.protocol !== 'https:' || base.search || base.hash) throw new PackageError('TEAMS_APP_BASE_URL must be the https address the bot is served at (Teams loads tabs over https only)');
  }
  const manifest = structuredClone(template);
  if (base) {
    const root = base.href.replace(/\/$/, '');
    for (const tab of manifest.staticTabs ?? []) {
      if (tab.contentUrl) tab.contentUrl = tab.contentUrl.replace(EXAMPLE_BASE_URL, root);
      if (tab.websiteUrl) tab.websiteUrl = tab.websiteUrl.replace(EXAMPLE_BASE_URL, root);
    }
    manifest.validDomains = (manifest.validDomains ?? []).map((d) => (d === new URL(EXAMPLE_BASE_URL).host ? base.host : d));
  }
  manifest.id = settings.appId;
  if (settings.version) manifest.version = settings.version;
  for (const bot of manifest.bots) bot.botId = settings.appId;
  for (const extension of manifest.composeExtensions ?? []) extension.botId = settings.appId;
  manifest.developer = {
    ...manifest.developer,
    ...(settings.websiteUrl ? { websiteUrl: settings.websiteUrl } : {}),
    ...(settings.privacyUrl ? { privacyUrl: settings.privacyUrl } : {}),
    ...(settings.termsOfUseUrl ? { termsOfUseUrl: settings.termsOfUseUrl } : {}),
  };
  return manifest;
}

/** The zip Teams accepts for upload: manifest.json and the two icons at the root. */
export async function buildTeamsAppPackage(manifest: Manifest, icons: { color: Buffer; outline: Buffer }): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  zip.file('color.png', icons.color);
  zip.file('outline.png', icons.outline);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
