import { startTestApp, type TestApp } from '../../helpers/app';
import type { Store } from '../../../src/store/types';
import { FakeSlackApi } from './fakeSlackApi';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';

export interface SlackTestBed {
  fake: FakeSlackApi;
  app: TestApp;
  close(): Promise<void>;
}

/** The real app in HTTP mode with a test signing secret, its Web API pointed at a local fake. */
export async function startSlackTestBed(env: Record<string, string> = {}, store?: Store): Promise<SlackTestBed> {
  const fake = await new FakeSlackApi().start();
  const app = await startTestApp({
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    // Tests post to one channel many times; pacing is tested on its own (pacing.test.ts).
    SLACK_POST_SPACING_MS: '0',
    ...env,
  }, store ? { store } : {});
  // The bot's identity is fetched in the background at start; tests begin once it is known.
  await fake.waitForCalls('auth.test');
  return {
    fake,
    app,
    async close() {
      await app.close();
      await fake.close();
    },
  };
}

/** Every mrkdwn and plain text string in a Block Kit payload, for escaping assertions. */
export function allTexts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allTexts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allTexts);
  return [];
}

/**
 * One test bed for a whole describe block: started before its tests, closed after them, and
 * the fake's recorded calls cleared before each test. Its fields are filled in by beforeAll.
 */
export function useSlackTestBed(env: Record<string, string> = {}): SlackTestBed {
  const bed = {} as SlackTestBed;
  beforeAll(async () => {
    Object.assign(bed, await startSlackTestBed(env));
  });
  afterAll(async () => {
    await bed.close();
  });
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });
  return bed;
}
