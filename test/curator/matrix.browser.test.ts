import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { renderMatrixHtml } from '../../src/curator';
import { startTestApp, type TestApp } from '../helpers/app';
import { describeWithBrowser, launchChromium } from './helpers/browser';
import { hostileKb } from './helpers/fixtureKb';

const ARTIFACTS = path.join(__dirname, '../../artifacts');

const describeBrowser = describeWithBrowser('matrix browser test');

describeBrowser('the matrix page in headless Chromium', () => {
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium({ width: 1440, height: 900 });
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    // CSP violations and script errors surface here; the page must have none.
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${t.baseUrl}/matrix`);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows one cell per knowledge-base cell and loads nothing else', async () => {
    expect(await page.locator('button[data-cell]').count()).toBe(t.app.kb.cells.size);
    expect(await page.locator('th.area').count()).toBe(t.app.kb.areas.size);
    expect(requests).toEqual([`${t.baseUrl}/matrix`]);
    expect(problems).toEqual([]);
  });

  it('opens a cell with its answer and its citations as links from the knowledge base', async () => {
    const kb = t.app.kb;
    const cell = kb.cell('ec2', 'os-patching')!;
    await page.click('tr[data-service="ec2"] button[data-area="os-patching"]');
    const panel = page.locator('#panel');
    await expect(panel.isVisible()).resolves.toBe(true);
    expect(await panel.locator('h2').textContent()).toBe(kb.areas.get('os-patching')!.title);
    expect(await panel.locator('.summary').textContent()).toBe(cell.summary);
    const links = await panel.locator('.cites a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent, rel: a.getAttribute('rel') })));
    expect(links).toEqual(cell.citations.map((c) => ({ href: kb.sources.get(c.source)!.url, text: kb.sources.get(c.source)!.title, rel: 'noopener noreferrer' })));
    expect(new URL(page.url()).hash).toBe('#ec2/os-patching');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'matrix.png') });
    await page.keyboard.press('Escape');
    expect(await panel.isVisible()).toBe(false);
  });

  it('filters by service model and by search', async () => {
    const kb = t.app.kb;
    const visibleModels = () => page.locator('tr.svc:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')));
    await page.click('.models button[data-model="container"]');
    const containers = [...kb.services.values()].filter((s) => s.id !== 'general' && s.model === 'container').length;
    expect((await visibleModels()).filter((m) => m === 'container')).toHaveLength(containers);
    expect(new Set(await visibleModels())).toEqual(new Set(['general', 'container']));
    expect(await page.locator('#status').textContent()).toBe(`${containers} services`);

    await page.click('.models button[data-model=""]');
    await page.fill('#q', 'lambda');
    expect(await page.locator('tr.svc:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')))).toContain('lambda');
    await page.fill('#q', 'zzqxv no such words');
    expect(await page.locator('tr.svc:visible').count()).toBe(0);
    expect(await page.locator('#status').textContent()).toBe('0 services');
    await page.fill('#q', '');
    expect(await page.locator('tr.svc:visible').count()).toBe(kb.services.size);
  });

  it('opens the cell named in the link, and prints without the controls', async () => {
    await page.goto(`${t.baseUrl}/matrix#lambda/runtime-patching`);
    expect(await page.locator('#panel').isVisible()).toBe(true);
    expect(await page.locator('#panel .kicker').textContent()).toBe(t.app.kb.services.get('lambda')!.name);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.controls').isVisible()).toBe(false);
    expect(await page.locator('#panel').isVisible()).toBe(false);
    expect(await page.locator('table.matrix').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    expect(problems).toEqual([]);
  });

  it('shows hostile knowledge-base text as text and runs none of it', async () => {
    const hostile = await context.newPage();
    try {
      await hostile.setContent(renderMatrixHtml(hostileKb()));
      await hostile.hover('tr[data-service="evil"] th');
      await hostile.click('button[data-cell="evil.data"]');
      const panel = hostile.locator('#panel');
      expect(await panel.locator('.summary').textContent()).toBe('Summary </script><script>window.__xss=2</script> & <b>bold</b>');
      expect(await panel.locator('b, img, script, em, u, s').count()).toBe(0);
      expect(await panel.locator('.cites li').first().locator('a').count()).toBe(0);
      expect(await panel.locator('.cites a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([expect.stringMatching(/^https:\/\//)]);
      expect(await hostile.locator('tr[data-service="evil"] .name').textContent()).toBe('Evil <img src=x onerror="window.__xss=1"> Service');
      expect(await hostile.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    } finally {
      await hostile.close();
    }
  });
});
