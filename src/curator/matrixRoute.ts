import { gzipSync } from 'node:zlib';
import type { KnowledgeBase } from '../knowledge/types';
import type { HttpRoute } from '../server';
import { matrixCsv } from './matrixExport';
import { matrixContentSecurityPolicy, renderMatrixHtml } from './matrixHtml';

interface Rendered {
  plain: Buffer;
  gzip: Buffer;
}

/**
 * A GET route for a body rendered once from the knowledge base (it does not change while the
 * process runs) and kept plain and gzipped.
 */
export function cachedRoute(path: string, render: () => string, headers: Record<string, string>): HttpRoute {
  let body: Rendered | undefined;
  return {
    method: 'GET',
    path,
    handler: (req, res) => {
      if (!body) {
        const plain = Buffer.from(render(), 'utf8');
        body = { plain, gzip: gzipSync(plain) };
      }
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const bytes = gzip ? body.gzip : body.plain;
      res.writeHead(200, { ...headers, vary: 'accept-encoding', 'content-length': String(bytes.length), ...(gzip ? { 'content-encoding': 'gzip' } : {}) }).end(bytes);
    },
  };
}

/**
 * GET /matrix: the responsibility matrix page (about 1 MB of text, a seventh of it gzipped),
 * with a link to the CSV beside it. It shows curated knowledge only, never user data.
 */
export function matrixRoute(kb: KnowledgeBase): HttpRoute {
  return cachedRoute('/matrix', () => renderMatrixHtml(kb, { csvHref: 'matrix.csv' }), {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `${matrixContentSecurityPolicy()}; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  });
}

/** GET /matrix.csv: every cell with its verdict, duties, conditions, citations and verified date, as a download. */
export function matrixCsvRoute(kb: KnowledgeBase): HttpRoute {
  return cachedRoute('/matrix.csv', () => matrixCsv(kb), {
    'content-type': 'text/csv; charset=utf-8; header=present',
    'content-disposition': 'attachment; filename="whosecures-matrix.csv"',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
}
