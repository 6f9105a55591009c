import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudAdapter, Request, Response, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { readBody, sendJson, type HttpRoute } from '../../server';

/** Bot Framework activities are small; Teams caps messages at about 100 KB. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * The response object CloudAdapter.process expects (the Express/Restify shape), written onto
 * node's own ServerResponse.
 */
function adapterResponse(res: ServerResponse): Response {
  let status = 200;
  let body: unknown;
  const headers: Record<string, string> = {};
  return {
    socket: res.socket,
    status(code: number) {
      status = code;
      return this;
    },
    header(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
      return this;
    },
    send(value: unknown) {
      body = value;
      return this;
    },
    end() {
      if (res.writableEnded) return;
      if (body === undefined) {
        res.writeHead(status, headers).end();
      } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      }
    },
  };
}

/** POST /api/messages on the app's own HTTP server: body parsed here, everything else by CloudAdapter. */
export function messagesRoute(adapter: CloudAdapter, logic: (context: TurnContext) => Promise<void>, logger: Logger): HttpRoute {
  return {
    method: 'POST',
    path: '/api/messages',
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse((await readBody(req, MAX_BODY_BYTES)).toString('utf8'));
      } catch (err) {
        const tooLarge = (err as { code?: string }).code === 'BODY_TOO_LARGE';
        logger.warn({ event: 'teams_bad_request', tooLarge }, 'unreadable Bot Framework request');
        if (tooLarge) res.setHeader('connection', 'close');
        if (!res.headersSent) sendJson(res, tooLarge ? 413 : 400, { error: tooLarge ? 'body too large' : 'invalid JSON' });
        return;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        sendJson(res, 400, { error: 'expected an activity object' });
        return;
      }
      const request: Request = { body: parsed as Record<string, unknown>, headers: req.headers, method: req.method };
      await adapter.process(request, adapterResponse(res), logic);
    },
  };
}
