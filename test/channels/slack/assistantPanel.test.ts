import { SUGGESTED_PROMPTS } from '../../../src/channels/slack/listeners/assistantPanel';
import { eventCallback, newTs } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { useSlackTestBed } from './slackTestApp';

describe('Slack assistant panel (Bolt Assistant)', () => {
  const bed = useSlackTestBed();

  const threadTs = newTs();
  const assistantThread = { user_id: 'UASKER1', context: { channel_id: 'C0CHAN', team_id: 'T0TEST' }, channel_id: 'D0PANEL', thread_ts: threadTs };

  it('greets a new assistant thread and sets suggested prompts', async () => {
    await postToSlackEndpoint(bed.app.baseUrl, eventCallback({ type: 'assistant_thread_started', assistant_thread: assistantThread, event_ts: newTs() }));
    const [prompts] = await bed.fake.waitForCalls('assistant.threads.setSuggestedPrompts');
    expect(prompts.args.channel_id).toBe('D0PANEL');
    expect(prompts.args.thread_ts).toBe(threadTs);
    expect(prompts.args.prompts).toEqual(SUGGESTED_PROMPTS);
    const [greeting] = await bed.fake.waitForCalls('chat.postMessage');
    expect(greeting.args.thread_ts).toBe(threadTs);
  });

  it('shows a status while it works and answers in the assistant thread, keeping its context', async () => {
    const ask = (text: string) =>
      postToSlackEndpoint(
        bed.app.baseUrl,
        eventCallback({ type: 'message', channel_type: 'im', channel: 'D0PANEL', user: 'UASKER1', text, ts: newTs(), thread_ts: threadTs }),
      );
    await ask('who patches the guest OS on EC2?');
    const [status] = await bed.fake.waitForCalls('assistant.threads.setStatus');
    expect(status.args.thread_ts).toBe(threadTs);
    expect(String(status.args.status)).toMatch(/checking/);
    const [answer] = await bed.fake.waitForCalls('chat.postMessage');
    expect(answer.args.thread_ts).toBe(threadTs);
    expect(answer.args.channel).toBe('D0PANEL');
    const statusAt = bed.fake.callsTo('assistant.threads.setStatus')[0].at;
    expect(answer.at).toBeGreaterThanOrEqual(statusAt);
    await ask('and for RDS?');
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);
    expect(JSON.stringify(posts[1].args.blocks)).toMatch(/RDS/);
  });

  it('still answers when the status cannot be set', async () => {
    bed.fake.script('assistant.threads.setStatus', { body: { ok: false, error: 'invalid_thread' } });
    await postToSlackEndpoint(
      bed.app.baseUrl,
      eventCallback({ type: 'message', channel_type: 'im', channel: 'D0PANEL', user: 'UASKER1', text: 'who encrypts EBS volumes?', ts: newTs(), thread_ts: newTs() }),
    );
    await bed.fake.waitForCalls('chat.postMessage');
  });
});
