import { createHash } from 'node:crypto';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { TEAMS_FRAME_ANCESTORS } from '../../src/curator/teamsTabRoute';
import { startTestApp, type TestApp } from '../helpers/app';
import { describeWithBrowser, launchChromium } from './helpers/browser';

/** The bot's public address as Teams would reach it; requests to it are served by the test app. */
const PUBLIC = 'https://whosecures.test';
/** The Teams client's own request for its list of host origins; the page's policy blocks it and the client uses its built-in list. */
const VALID_DOMAINS_FETCH = /res\.cdn\.office\.net\/teams-js\/validDomains/;

/**
 * A stand-in for the Teams web client: frames the tab and answers the Teams client's
 * `initialize` message the way a host does (frame context, host client type, runtime config),
 * recording every message the tab sends it.
 */
function hostPage(tabUrl: string): string {
  const runtime = JSON.stringify({ apiVersion: 2, hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } }, isLegacyTeams: false, supports: { appInstallDialog: {}, dialog: { card: {}, url: {}, update: {} }, pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} }, teamsCore: {} } });
  return `<!doctype html><title>host</title><iframe id="tab" src="${tabUrl}" width="1280" height="800"></iframe><script>
window.received = [];
window.addEventListener('message', function (e) {
  var m = e.data;
  if (!m || typeof m.func !== 'string') return;
  window.received.push(m.func);
  if (m.func === 'initialize') e.source.postMessage({ id: m.id, uuid: m.uuid, args: ['content', 'web', ${JSON.stringify(runtime)}, '2.0.0'] }, e.origin);
});
</script>`;
}

const describeBrowser = describeWithBrowser('Teams tab browser test');

describe('GET /teams/matrix and the Teams client it loads', () => {
  it('may be framed by the Teams hosts only, and pins the Teams client by its hash', async () => {
    const t = await startTestApp();
    try {
      const res = await fetch(`${t.baseUrl}/teams/matrix`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/^default-src 'none';/);
      expect(csp).toContain(`frame-ancestors 'self' ${TEAMS_FRAME_ANCESTORS.join(' ')}`);
      expect(csp).not.toMatch(/connect-src|'unsafe-inline'|'unsafe-eval'|\*;/);
      const html = await res.text();
      const sdkTag = /<script src="teams-js\.min\.js" integrity="(sha384-[^"]+)"><\/script>/.exec(html);
      expect(sdkTag).not.toBeNull();
      const sdk = await fetch(`${t.baseUrl}/teams/teams-js.min.js`);
      expect(sdk.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const body = Buffer.from(await sdk.arrayBuffer());
      expect(`sha384-${createHash('sha384').update(body).digest('base64')}`).toBe(sdkTag![1]);
      expect(body.toString('utf8')).toContain('microsoftTeams');
      // The plain page keeps refusing every frame.
      expect((await fetch(`${t.baseUrl}/matrix`)).headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'$/);
    } finally {
      await t.close();
    }
  });

  it('is absent with MATRIX_PAGE_ENABLED=false', async () => {
    const t = await startTestApp({ MATRIX_PAGE_ENABLED: 'false' });
    try {
      expect((await fetch(`${t.baseUrl}/teams/matrix`)).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/teams/teams-js.min.js`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describeBrowser('the Teams tab in headless Chromium, framed by a Teams host', () => {
  jest.setTimeout(60000);
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium({ width: 1400, height: 900 });
    context = browser.context;
    context.on('request', (r) => requests.push(r.url()));
    await context.route('https://teams.microsoft.com/**', (route) => route.fulfill({ contentType: 'text/html', body: hostPage(`${PUBLIC}/teams/matrix`) }));
    await context.route('https://evil.example/**', (route) => route.fulfill({ contentType: 'text/html', body: hostPage(`${PUBLIC}/teams/matrix`) }));
    // The tab's address is served by the running app, headers and all.
    await context.route(`${PUBLIC}/**`, async (route) => route.fulfill({ response: await route.fetch({ url: route.request().url().replace(PUBLIC, t.baseUrl) }) }));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => m.type() === 'error' && !VALID_DOMAINS_FETCH.test(m.text()) && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const tabFrame = (): Frame | undefined => page.frames().find((f) => f.url().startsWith(`${PUBLIC}/teams/matrix`));

  it('initializes the Teams client (app.initialize, then notifySuccess) and shows the matrix', async () => {
    await page.goto('https://teams.microsoft.com/host.html');
    await page.waitForFunction(() => (globalThis as unknown as { received: string[] }).received.includes('appInitialization.success'), undefined, { timeout: 15000 });
    expect(await page.evaluate(() => (globalThis as unknown as { received: string[] }).received.slice(0, 2))).toEqual(['initialize', 'appInitialization.success']);
    const frame = tabFrame()!;
    expect(await frame.locator('html').getAttribute('data-teams')).toBe('ready');
    expect(await frame.locator('button[data-cell]').count()).toBe(t.app.kb.cells.size);
    // A click event on the cell (the layout's own clicks are in matrix.browser.test.ts).
    await frame.locator('tr[data-service="ec2"] button[data-area="os-patching"]').dispatchEvent('click');
    expect(await frame.locator('#panel .summary').textContent()).toBe(t.app.kb.cell('ec2', 'os-patching')!.summary);
    expect(await frame.locator('a.download').getAttribute('href')).toBe('../matrix.csv');
    // Nothing was loaded from anywhere but the tab's own address (the blocked list fetch aside).
    const others = requests.filter((u) => !u.startsWith('https://teams.microsoft.com/') && !u.startsWith(`${PUBLIC}/`) && !VALID_DOMAINS_FETCH.test(u));
    expect(others).toEqual([]);
    expect(requests.filter((u) => u.startsWith(`${PUBLIC}/`)).map((u) => new URL(u).pathname).sort()).toEqual(['/teams/matrix', '/teams/teams-js.min.js']);
    expect(problems).toEqual([]);
  });

  it('refuses to be framed by any other site', async () => {
    const refused: string[] = [];
    const listen = (m: { text(): string }) => refused.push(m.text());
    page.on('console', listen);
    problems.length = 0;
    await page.goto('https://evil.example/host.html');
    await page.waitForTimeout(1500);
    page.off('console', listen);
    expect(refused.some((m) => /frame-ancestors/.test(m))).toBe(true);
    const frame = tabFrame();
    const cells = frame ? await frame.locator('button[data-cell]').count() : 0;
    expect(cells).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { received: string[] }).received)).toEqual([]);
  });
});
