import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: RouteHandler;
}

/**
 * The one HTTP server: Slack at /slack/events, Teams at /api/messages, health, readiness and
 * metrics. Channels contribute routes; the server knows nothing about them.
 */
export function createHttpServer(routes: HttpRoute[], logger: Logger): Server {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r.handler]));
  const paths = new Set(routes.map((r) => r.path));
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = table.get(`${req.method} ${path}`);
    if (!handler) {
      res.writeHead(paths.has(path) ? 405 : 404, { 'content-type': 'text/plain' }).end(paths.has(path) ? 'method not allowed' : 'not found');
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        logger.error({ err, path }, 'request handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        if (!res.writableEnded) res.end('internal error');
      });
  });
  // Slack and Bot Framework keep connections alive; bound how long idle sockets linger.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Reads a request body with a size cap (Slack payloads are small; anything huge is refused). */
export function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        // Not req.destroy(): that resets the connection before the 413 can be written. The
        // rest of the body is read and dropped; the caller answers with `connection: close`.
        req.removeAllListeners('data');
        req.resume();
        reject(Object.assign(new Error('request body too large'), { code: 'BODY_TOO_LARGE' }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
