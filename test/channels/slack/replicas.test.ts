import { ensureBuilt, startBot, type BotProcess } from '../../helpers/botProcess';
import { describePostgres, postgresStatus } from '../../store/helpers/backends';
import { FakeSlackApi } from './fakeSlackApi';
import { mention } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';


async function stopReplica(replica: BotProcess): Promise<void> {
  if (replica.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => replica.child.once('exit', () => resolve()));
  replica.child.kill('SIGTERM');
  await exited;
}

describePostgres('Slack replicas: two bot processes on one PostgreSQL', () => {
  let fake: FakeSlackApi;
  let replicas: BotProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fake = await new FakeSlackApi().start();
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: postgresStatus().url as string,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
    };
    replicas = await Promise.all([startBot(env), startBot(env)]);
    await fake.waitForCalls('auth.test', 2);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(replicas.map(stopReplica));
    await fake?.close();
  });

  it('answers one event exactly once when it reaches both replicas at once and again as a retry', async () => {
    const body = mention('who patches the guest OS on EC2?');
    const [a, b] = replicas.map((r) => `http://127.0.0.1:${r.port}`);
    const first = await Promise.all([postToSlackEndpoint(a, body), postToSlackEndpoint(b, body)]);
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    await fake.waitForCalls('chat.postMessage', 1);
    const retries = await Promise.all([postToSlackEndpoint(a, body, { retryNum: 1 }), postToSlackEndpoint(b, body, { retryNum: 1 })]);
    expect(retries.map((r) => r.status)).toEqual([200, 200]);
    // Four deliveries: one answered, three dropped by the shared claim (each drop is logged).
    const dropped = () => replicas.flatMap((r) => r.logs).filter((l) => l.event === 'slack_event_duplicate' && l.eventId === body.event_id).length;
    const deadline = Date.now() + 10_000;
    while (dropped() < 3) {
      if (Date.now() > deadline) throw new Error(`only ${dropped()} duplicates dropped`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')[0].args.thread_ts).toBe((body.event as { ts: string }).ts);
  });
});
