import { renderMatrixHtml } from '../../src/curator';
import { startTestApp } from '../helpers/app';
import { hostileKb, shippedKb } from './helpers/fixtureKb';

/** The JSON data block, parsed as the page's script parses it. */
function pageData(html: string): { cells: Record<string, { citations: Array<{ url?: string; title: string }>; summary: string }> } {
  const match = /<script type="application\/json" id="matrix-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no data block');
  return JSON.parse(match[1]);
}

describe('renderMatrixHtml', () => {
  it('has one clickable cell per knowledge-base cell and every area as a column', () => {
    const kb = shippedKb();
    const html = renderMatrixHtml(kb, { generatedAt: new Date('2026-11-28T00:00:00Z') });
    expect(html.match(/ data-cell="/g)).toHaveLength(kb.cells.size);
    expect(html.match(/<th scope="col" class="area/g)).toHaveLength(kb.areas.size);
    expect(html.match(/<tr class="svc"/g)).toHaveLength(kb.services.size);
    expect(Object.keys(pageData(html).cells).sort()).toEqual([...kb.cells.keys()].sort());
    expect(html).toContain('generated 2026-11-28');
  });

  it('loads nothing from anywhere: no external scripts, styles, fonts or images', () => {
    const html = renderMatrixHtml(shippedKb());
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+rel="?stylesheet/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/<img/i);
    // The only http(s) URLs are citation links inside the data block.
    const outside = html.replace(/<script type="application\/json" id="matrix-data">[\s\S]*?<\/script>/, '');
    expect(outside).not.toMatch(/https?:\/\//);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/);
  });

  it('escapes every knowledge-base string and drops non-http links', () => {
    const html = renderMatrixHtml(hostileKb());
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toMatch(/<script>window/);
    expect(html).not.toContain('onmouseover="');
    expect(html).toContain('Evil &lt;img src=x onerror=&quot;window.__xss=1&quot;&gt; Service');
    const markup = html.slice(0, html.indexOf('<script type="application/json"'));
    expect(markup).not.toMatch(/<(b|i|u|em|s)>/);
    // Inside the data block nothing can close the script element.
    const block = html.slice(html.indexOf('id="matrix-data">'), html.lastIndexOf('<script>'));
    expect(block.match(/<\//g)).toHaveLength(1);
    const evil = pageData(html).cells['evil.data'];
    expect(evil.summary).toBe('Summary </script><script>window.__xss=2</script> & <b>bold</b>');
    expect(evil.citations[0]).not.toHaveProperty('url');
    expect(evil.citations[1].url).toMatch(/^https:\/\//);
  });
});

describe('GET /matrix', () => {
  it('serves the page with its security headers, gzipped when asked', async () => {
    const t = await startTestApp();
    try {
      const res = await fetch(`${t.baseUrl}/matrix`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none';.*frame-ancestors 'none'$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-encoding')).toBe('gzip'); // fetch asks for gzip and inflates it
      const html = await res.text();
      expect(html.match(/ data-cell="/g)).toHaveLength(t.app.kb.cells.size);
    } finally {
      await t.close();
    }
  });

  it('is absent when MATRIX_PAGE_ENABLED=false', async () => {
    const t = await startTestApp({ MATRIX_PAGE_ENABLED: 'false' });
    try {
      expect((await fetch(`${t.baseUrl}/matrix`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
