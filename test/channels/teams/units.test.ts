import { loadConfig } from '../../../src/config';
import { teamsSettings } from '../../../src/app';
import { botFrameworkAuthOptions, teamsAuthMode } from '../../../src/channels/teams/authOptions';
import { backoffDelayMs, retryAfterMs, withRetry } from '../../../src/channels/teams/retry';
import { isAllowedServiceUrl } from '../../../src/channels/teams/serviceUrls';
import { questionText } from '../../../src/channels/teams/text';
import { resolveCommand } from '../../../src/channels/teams/commands';
import { teamsMessage } from './fakes/activities';
import { mergeParkedDigests } from '../../../src/channels/teams/escalation';
import { digestJob, TEAMS_DIGEST } from '../../../src/channels/teams/outbox/escalationJobs';

const httpError = (statusCode: number, retryAfter?: string) =>
  Object.assign(new Error(`status ${statusCode}`), { statusCode, response: { headers: { get: (n: string) => (n === 'retry-after' ? retryAfter : undefined) } } });

describe('connector retry', () => {
  it('retries 429 and 412 with growing, jittered, capped delays, then succeeds', async () => {
    const delays: number[] = [];
    const statuses = [429, 429, 412];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        const s = statuses.shift();
        if (s) throw httpError(s);
        return 'ok';
      },
      { attempts: 5, baseDelayMs: 100, maxDelayMs: 300, random: () => 0.5, sleep: async (ms) => void delays.push(ms) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(delays).toEqual([75, 150, 225]);
  });

  it('jitter stays within [ceiling/2, ceiling]', () => {
    expect(backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0 })).toBe(200);
    expect(backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 10_000, random: () => 1 })).toBe(400);
    expect(backoffDelayMs(30, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 })).toBe(1000);
  });

  it('honours Retry-After within the cap', async () => {
    expect(retryAfterMs(httpError(429, '2'))).toBe(2000);
    const delays: number[] = [];
    let first = true;
    await withRetry(
      async () => {
        if (first) {
          first = false;
          throw httpError(429, '1');
        }
      },
      { attempts: 2, baseDelayMs: 10, maxDelayMs: 5000, random: () => 0, sleep: async (ms) => void delays.push(ms) },
    );
    expect(delays).toEqual([1000]);
  });

  it('does not retry other failures, and gives up after the last attempt', async () => {
    let calls = 0;
    await expect(withRetry(async () => ((calls++, Promise.reject(httpError(403)))), { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toMatchObject({ statusCode: 403 });
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(async () => ((calls++, Promise.reject(httpError(429)))), { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toMatchObject({ statusCode: 429 });
    expect(calls).toBe(3);
  });
});

describe('service URL allowlist', () => {
  const policy = { hosts: ['smba.trafficmanager.net', '*.botframework.com'], loopbackOnly: false };
  it.each([
    ['https://smba.trafficmanager.net/amer/', true],
    ['https://europe.botframework.com/', true],
    ['https://botframework.com/', false],
    ['https://evilbotframework.com/', false],
    ['https://smba.trafficmanager.net.evil.example/', false],
    ['http://smba.trafficmanager.net/amer/', false],
    ['https://user:pw@smba.trafficmanager.net/', false],
    ['http://127.0.0.1:9/', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedServiceUrl(url, policy)).toBe(allowed);
  });
  it('loopback only without authentication', () => {
    expect(isAllowedServiceUrl('http://localhost:5000/', { hosts: [], loopbackOnly: true })).toBe(true);
    expect(isAllowedServiceUrl('https://smba.trafficmanager.net/amer/', { hosts: ['smba.trafficmanager.net'], loopbackOnly: true })).toBe(false);
  });
  it('plain http to loopback only when loopback is allowlisted', () => {
    expect(isAllowedServiceUrl('http://127.0.0.1:9/', { hosts: ['127.0.0.1'], loopbackOnly: false })).toBe(true);
  });
});

describe('authentication settings from the environment', () => {
  const base = { MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'tenant' };
  it('passes the app settings and nothing unrelated', () => {
    const options = botFrameworkAuthOptions(teamsSettings(loadConfig({ ...base, SLACK_SIGNING_SECRET: undefined, OPENAI_API_KEY: 'sk-x' })));
    expect(options).toEqual(base);
  });
  it('a local OpenID metadata URL keeps the public-cloud issuer and login URL', () => {
    const options = botFrameworkAuthOptions(teamsSettings(loadConfig({ ...base, BotOpenIdMetadata: 'http://127.0.0.1:1/openid' }))) as Record<string, string>;
    expect(options).toMatchObject({
      ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/openid',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/tenant',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    });
  });
  it('mode: authenticated with an app id; off without; refused unauthenticated off loopback', () => {
    expect(teamsAuthMode(loadConfig(base))).toEqual({ kind: 'authenticated', appId: 'app' });
    expect(teamsAuthMode(loadConfig({}))).toEqual({ kind: 'off' });
    expect(teamsAuthMode(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', HOST: '127.0.0.1' }))).toEqual({ kind: 'unauthenticated' });
    expect(() => teamsAuthMode(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', HOST: '0.0.0.0' }))).toThrow(/loopback/);
    // HOST defaults to loopback, so the Emulator setting works on a laptop without setting HOST.
    expect(teamsAuthMode(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }))).toEqual({ kind: 'unauthenticated' });
    // NODE_ENV plays no part.
    expect(teamsAuthMode(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', HOST: '::1', NODE_ENV: 'production' }))).toEqual({ kind: 'unauthenticated' });
  });
});

describe('inbound text', () => {
  it('removes the bot mention and Teams markup', () => {
    expect(questionText(teamsMessage('who patches <b>EC2</b>&nbsp;OS?', { serviceUrl: 'x', mention: true }))).toBe('who patches EC2 OS?');
  });
  it('reads menu commands', () => {
    expect(resolveCommand('compare s3 vs efs encryption')).toEqual({ command: 'compare', question: 'compare s3 vs efs encryption' });
    expect(resolveCommand('ask: who patches RDS?')).toEqual({ command: 'ask', question: 'who patches RDS?' });
    expect(resolveCommand('Help')).toEqual({ command: 'help', question: 'help' });
    expect(resolveCommand('asking about rds')).toEqual({ question: 'asking about rds' });
  });
});

describe('digests kept while the channel could not be reached', () => {
  const kept = (week: string, since: string, channel = '19:a@thread.tacv2') => ({ key: `digest:teams:${channel}:${week}`, trigger: 't', parkedAt: new Date(), job: digestJob({ channel, week, since }) });

  it('are sent as one digest per channel covering every week kept, from the first week\u2019s start', () => {
    const jobs = mergeParkedDigests([kept('2027-W02', '2027-01-04T00:30:00.000Z'), kept('2027-W03', '2027-01-11T00:30:00.000Z'), kept('2027-W03', '2027-01-11T00:30:00.000Z', '19:b@thread.tacv2')]);
    expect(jobs.map((j) => j.payload)).toEqual([
      { channel: '19:a@thread.tacv2', week: '2027-W03', since: '2027-01-04T00:30:00.000Z', weeks: ['2027-W02', '2027-W03'] },
      { channel: '19:b@thread.tacv2', week: '2027-W03', since: '2027-01-11T00:30:00.000Z' },
    ]);
    expect(jobs.map((j) => j.kind)).toEqual([TEAMS_DIGEST, TEAMS_DIGEST]);
    expect(jobs[0].lane).toBe(digestJob({ channel: '19:a@thread.tacv2', week: 'x', since: 'y' }).lane);
  });

  it('keeps a merged digest\u2019s weeks when it is kept again, and passes other jobs through', () => {
    const again = { ...kept('2027-W03', '2027-01-04T00:30:00.000Z'), job: digestJob({ channel: '19:a@thread.tacv2', week: '2027-W03', since: '2027-01-04T00:30:00.000Z', weeks: ['2027-W02', '2027-W03'] }) };
    const other = { key: 'x', trigger: 't', parkedAt: new Date(), job: { kind: 'teams.other', lane: 'l', payload: { n: 1 } } };
    const jobs = mergeParkedDigests([again, kept('2027-W04', '2027-01-18T00:30:00.000Z'), other]);
    expect(jobs.map((j) => j.payload)).toEqual([{ channel: '19:a@thread.tacv2', week: '2027-W04', since: '2027-01-04T00:30:00.000Z', weeks: ['2027-W02', '2027-W03', '2027-W04'] }, { n: 1 }]);
  });
});

describe('Teams digest settings', () => {
  it('TEAMS_TENANT_ID must be a tenant id; TEAMS_PROACTIVE_SERVICE_URL an http(s) URL', () => {
    expect(loadConfig({ TEAMS_TENANT_ID: '00000000-0000-0000-0000-00000000fe11', TEAMS_PROACTIVE_SERVICE_URL: 'https://smba.trafficmanager.net/teams/' })).toMatchObject({ TEAMS_TENANT_ID: '00000000-0000-0000-0000-00000000fe11', TEAMS_PROACTIVE_SERVICE_URL: 'https://smba.trafficmanager.net/teams/' });
    expect(() => loadConfig({ TEAMS_TENANT_ID: 'contoso' })).toThrow(/TEAMS_TENANT_ID/);
    expect(() => loadConfig({ TEAMS_PROACTIVE_SERVICE_URL: 'smba.trafficmanager.net' })).toThrow(/TEAMS_PROACTIVE_SERVICE_URL/);
  });
});
