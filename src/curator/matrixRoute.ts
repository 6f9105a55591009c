import { gzipSync } from 'node:zlib';
import type { KnowledgeBase } from '../knowledge/types';
import type { HttpRoute } from '../server';
import { matrixContentSecurityPolicy, renderMatrixHtml } from './matrixHtml';

/**
 * GET /matrix: the responsibility matrix page. The knowledge base does not change while the
 * process runs, so the page is rendered on the first request and kept (plain and gzipped: it is
 * about 1 MB of text and compresses to a seventh). It shows curated knowledge only, never user data.
 */
export function matrixRoute(kb: KnowledgeBase): HttpRoute {
  let page: { plain: Buffer; gzip: Buffer } | undefined;
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `${matrixContentSecurityPolicy()}; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
    vary: 'accept-encoding',
  };
  return {
    method: 'GET',
    path: '/matrix',
    handler: (req, res) => {
      if (!page) {
        const plain = Buffer.from(renderMatrixHtml(kb), 'utf8');
        page = { plain, gzip: gzipSync(plain) };
      }
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? page.gzip : page.plain;
      res.writeHead(200, { ...headers, 'content-length': String(body.length), ...(gzip ? { 'content-encoding': 'gzip' } : {}) }).end(body);
    },
  };
}
