import { webApi } from '@slack/bolt';
import pino from 'pino';
import { slackCurators } from '../../../src/channels/slack/curators';
import { FakeSlackApi } from './fakeSlackApi';

describe('Slack curators (SLACK_CURATORS)', () => {
  let fake: FakeSlackApi;
  let client: webApi.WebClient;
  beforeAll(async () => {
    fake = await new FakeSlackApi().start();
    client = new webApi.WebClient('xoxb-curators-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.calls.length = 0;
  });

  it('counts listed users without a lookup, and nobody when nothing is listed', async () => {
    const curators = slackCurators(['U0ONE', 'W0GRID'], pino({ level: 'silent' }));
    expect(curators.configured).toBe(true);
    expect(await curators.isCurator('U0ONE', client, 'slack:T1')).toBe(true);
    expect(await curators.isCurator('W0GRID', client, 'slack:T1')).toBe(true);
    expect(await curators.isCurator('U0TWO', client, 'slack:T1')).toBe(false);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(0);
    const none = slackCurators([], pino({ level: 'silent' }));
    expect(none.configured).toBe(false);
    expect(await none.isCurator('U0ONE', client, 'slack:T1')).toBe(false);
  });

  it('reads a group once per workspace for five minutes, then again', async () => {
    let now = 1_000_000;
    const curators = slackCurators(['S0GROUP'], pino({ level: 'silent' }), () => now);
    fake.userGroups.set('S0GROUP', ['U0MEMBER']);
    expect(await curators.isCurator('U0MEMBER', client, 'slack:T1')).toBe(true);
    expect(await curators.isCurator('U0OTHER', client, 'slack:T1')).toBe(false);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(1);
    // Another workspace has groups of its own: read apart.
    expect(await curators.isCurator('U0MEMBER', client, 'slack:T2')).toBe(true);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(2);
    // Removed from the group: still a curator until the five minutes are over.
    fake.userGroups.set('S0GROUP', []);
    now += 4 * 60_000;
    expect(await curators.isCurator('U0MEMBER', client, 'slack:T1')).toBe(true);
    now += 2 * 60_000;
    expect(await curators.isCurator('U0MEMBER', client, 'slack:T1')).toBe(false);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(3);
  });

  it('a lookup that fails makes nobody a curator through the group, and is not kept', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const curators = slackCurators(['S0SCOPED'], logger);
    fake.script('usergroups.users.list', { body: { ok: false, error: 'missing_scope', needed: 'usergroups:read' } });
    fake.userGroups.set('S0SCOPED', ['U0MEMBER']);
    expect(await curators.isCurator('U0MEMBER', client, 'slack:T1')).toBe(false);
    expect(lines.join('\n')).toContain('slack_curator_group_lookup_failed');
    // The scope approved since: the next check reads the group.
    expect(await curators.isCurator('U0MEMBER', client, 'slack:T1')).toBe(true);
  });
});
