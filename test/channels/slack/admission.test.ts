import { admissionFor, type SlackAnswerPayload } from '../../../src/channels/slack/outbox/replyJobs';
import { directMessage, mention } from './payloads';

const limits = { maxChannelDepth: 20, perUserPerMinute: 10 };
const payloadOf = (body: Record<string, unknown>) => admissionFor(body as unknown as Parameters<typeof admissionFor>[0], limits).job?.payload as unknown as SlackAnswerPayload;

describe('Slack outbox admission', () => {
  it('marks a mention that starts its thread as a new thread, with the thread under the mention', () => {
    const body = mention('who patches the guest OS on EC2?');
    const p = payloadOf(body);
    expect(p.newThread).toBe(true);
    expect(p.threadTs).toBe((body.event as { ts: string }).ts);
    expect(p.contextThread).toBe(p.threadTs);
  });

  it('does not mark a mention inside a thread, nor a direct message (their context is read)', () => {
    const inThread = payloadOf(mention('and for RDS?', { thread_ts: '1700000000.000100' }));
    expect(inThread.newThread).toBeUndefined();
    expect(inThread.contextThread).toBe('1700000000.000100');
    const dm = payloadOf(directMessage('and for RDS?'));
    expect(dm.newThread).toBeUndefined();
    expect(dm.contextThread).toBe('dm');
  });
});
