import { join } from 'node:path';
import type { StoredReference } from '../../src/channels/teams/conversationReferences';
import { openStore } from '../../src/store/open';
import { BOT, TENANT } from '../channels/teams/fakes/activities';
import { startBot, waitUntil } from '../helpers/botProcess';
import { teamsBotBed } from './helpers/teamsBotBed';

/**
 * The Teams lesson sweep with the compiled bot as operators run it, authenticated, against
 * the fake Bot Connector: the process is SIGKILLed while it writes a due lesson's outbox job
 * (after that delivery's claims and progress), then started again. The preload
 * (helpers/onboardingFaultPreload.js) plants the outbound token, sweeps every 300 ms and
 * places the kill.
 */

const APP_ID = '31111111-2222-3333-4444-555555555555';
const PRELOAD = ['-r', join(__dirname, 'helpers/onboardingFaultPreload.js')];
const DAY_MS = 86_400_000;
const USERS = ['29:ada', '29:bo', '29:cy', '29:di'];
const conversationOf = (userId: string) => `a:personal-${userId.slice(3)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Teams onboarding lessons: process faults (SQLite)', () => {
  const bed = teamsBotBed('whosecures-onboarding-faults-');

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: bed.dir,
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'onboarding-faults-password',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: '99999999-8888-7777-6666-555555555555',
    TEAMS_SERVICE_URL_ALLOWLIST: '127.0.0.1',
    TEAMS_POST_SPACING_MS: '0',
    FAULT_OUTBOUND_TOKEN: 'outbound-token-onboarding-faults',
    ...extra,
  });

  /** Users who started the course ten days ago (lessons 2 to 6 are due), each with a stored personal-chat reference. */
  async function enrol(): Promise<void> {
    const store = await openStore({ dataDir: bed.dir });
    const now = Date.now();
    for (const [i, userId] of USERS.entries()) {
      const conversation = conversationOf(userId);
      // Distinct start times: the sweep takes users in this order, so the kill lands on the first.
      await store.saveProgress({ platform: 'teams', userId, startedAt: new Date(now - 10 * DAY_MS + i * 1000), currentLesson: 1, optedOut: false, score: 0, answered: 0, scheduledMessageIds: [], channelId: conversation });
      const stored: StoredReference = {
        reference: { serviceUrl: bed.connector.url, channelId: 'msteams', conversation: { id: conversation, conversationType: 'personal', isGroup: false, name: '', tenantId: TENANT }, user: { id: userId, name: userId }, bot: BOT },
        authenticated: true,
        savedAt: new Date(now).toISOString(),
      };
      await store.saveConversationReference(`teams:conversation:${conversation}`, stored);
    }
    await store.close();
  }

  /** Lesson cards the connector received, per user. */
  function lessonsPerUser(): Map<string, string[]> {
    const got = new Map<string, string[]>(USERS.map((u) => [u, []]));
    for (const call of bed.connector.messages) {
      const user = USERS.find((u) => call.path.startsWith(`/v3/conversations/${encodeURIComponent(conversationOf(u))}/activities`));
      if (user) got.get(user)!.push(String(call.body.summary));
    }
    return got;
  }

  test('SIGKILL while a sweep writes a due lesson, restart: each due lesson delivered exactly once', async () => {
    await enrol();
    const first = await startBot(env({ FAULT_SIGKILL_AT_ONBOARDING_JOB: '1' }), PRELOAD);
    bed.bots.push(first);
    await first.exited;
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(first.logs.some((l) => l.event === 'fault_sigkill')).toBe(true);
    expect(bed.connector.messages).toHaveLength(0);

    const second = await startBot(env(), PRELOAD);
    bed.bots.push(second);
    // Not thrown on a timeout: the per-user counts below say who is missing a lesson.
    await waitUntil(() => [...lessonsPerUser().values()].every((l) => l.length >= 1), 20_000, 'a lesson for every user').catch(() => undefined);
    // Several more sweeps: nothing more today (one lesson a day), and nothing twice.
    await sleep(1500);
    const got = lessonsPerUser();
    console.log(`[onboarding SIGKILL] lessons per user after the restart: ${JSON.stringify(Object.fromEntries(got))}`);
    for (const userId of USERS) expect(got.get(userId)).toEqual([expect.stringMatching(/^Lesson 2 of 6: /)]);
    expect(bed.connector.messages.every((c) => c.authorization === 'Bearer outbound-token-onboarding-faults')).toBe(true);
  }, 120_000);
});
