
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, scrubSecrets } from '../../src/logger';
import { createHttpServer, readBody, sendJson } from '../../src/server';

describe('secrets never reach a log line', () => {
  function capture(secrets: string[]) {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) });
    return { logger: createLogger('debug', sink, secrets), text: () => lines.join('') };
  }

  it('scrubs a configured key echoed in a provider error, in the message and in nested fields', () => {
    const key = 'custom-llm-key-0123456789';
    const { logger, text } = capture([key]);
    const err = new Error(`401 Incorrect API key provided: ${key}`);
    logger.info({ detail: `Incorrect API key provided: ${key}`, nested: { list: [key] }, err }, `phrasing failed: ${key}`);
    expect(text()).not.toContain(key);
    expect(text()).toContain('[redacted]');
  });

  it('censors values under secret-named keys at any depth (token, authorization, password...)', () => {
    const { logger, text } = capture([]);
    logger.info({ token: 'plain-value-1', req: { headers: { authorization: 'Basic plain-value-2', 'x-slack-signature': 'v0=plain-value-3' } }, config: { SLACK_BOT_TOKEN: 'plain-value-4', nested: { password: 'plain-value-5' } }, kept: 'visible' }, 'request');
    expect(text()).not.toMatch(/plain-value-/);
    expect(text()).toContain('visible');
    expect(JSON.parse(text()).config.nested.password).toBe('[redacted]');
  });

  it('scrubs token shapes it was not told about (sk-, xoxb-, xapp-)', () => {
    const { logger, text } = capture([]);
    logger.warn({ detail: 'bad key sk-proj-AbCdEf0123456789 and xoxb-1234-5678-abcdefgh and xapp-1-A0-123456789' }, 'oops');
    expect(text()).not.toMatch(/sk-proj-AbCdEf|xoxb-1234|xapp-1-A0/);
    expect(scrubSecrets('no secrets here')).toBe('no secrets here');
  });
});

describe('an oversized body', () => {
  it('gets a 413 with a body, not a connection reset', async () => {
    const server = createHttpServer(
      [
        {
          method: 'POST',
          path: '/api/messages',
          handler: async (req, res) => {
            try {
              await readBody(req, 1000);
              sendJson(res, 200, {});
            } catch {
              res.setHeader('connection', 'close');
              sendJson(res, 413, { error: 'body too large' });
            }
          },
        },
      ],
      createLogger('silent'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', body: 'x'.repeat(200_000), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: 'body too large' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
