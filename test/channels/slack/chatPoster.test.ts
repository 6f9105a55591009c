import { chatPoster } from '../../../src/channels/slack/outbox/chatPoster';
import { classifySlackError } from '../../../src/channels/slack/outbox/handlers';
import { GiveUp, RetryLater } from '../../../src/outbox/errors';
import { FakeSlackApi } from './fakeSlackApi';

describe('the outbox chat poster (JSON posts without the SDK client)', () => {
  let fake: FakeSlackApi;
  beforeEach(async () => {
    fake = await new FakeSlackApi().start();
  });
  afterEach(async () => {
    await fake.close();
  });

  const poster = (onRateLimited?: (method: string, retryAfter: string | undefined) => void) =>
    chatPoster({ slackApiUrl: fake.apiUrl, token: 'xoxb-poster-test', timeoutMs: 2000, ...(onRateLimited ? { onRateLimited } : {}) });

  test('posts JSON with the token in the header and returns what Slack answered', async () => {
    const posted = await poster().postMessage({ channel: 'C1', thread_ts: '1.2', text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }], unfurl_links: false });
    expect(posted).toMatchObject({ ok: true, ts: expect.any(String) });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call.authorization).toBe('Bearer xoxb-poster-test');
    expect(call.args).toMatchObject({ channel: 'C1', thread_ts: '1.2', unfurl_links: false, blocks: [{ type: 'section' }] });
    expect(JSON.stringify(call.args)).not.toContain('xoxb-poster-test');
  });

  test('failures are the SDK client error types, classified alike', async () => {
    const limited: string[] = [];
    fake.script('chat.postMessage', { status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } });
    const rate = await poster((m, r) => limited.push(`${m}:${r}`)).postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e);
    expect(rate).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(limited).toEqual(['chat.postMessage:7']);
    const retry = classifySlackError(rate);
    expect(retry).toBeInstanceOf(RetryLater);
    expect(retry).toMatchObject({ afterMs: 7000, holdLane: true });

    fake.script('chat.postEphemeral', { body: { ok: false, error: 'not_in_channel' } });
    const refused = await poster().postEphemeral({ channel: 'C1', user: 'U1', text: 'x' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } });
    expect(classifySlackError(refused)).toBeInstanceOf(GiveUp);

    fake.script('chat.update', { status: 500, body: { ok: false } });
    await expect(poster().update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });

    const port = fake.port;
    await fake.close();
    const down = chatPoster({ slackApiUrl: `http://127.0.0.1:${port}/api/`, token: 't', timeoutMs: 500 });
    await expect(down.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    fake = await new FakeSlackApi().start();
  });
});
