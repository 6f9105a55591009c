import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ReplyFlow, type ReplyTransport } from '../../src/channels/replyFlow';
import { Assistant } from '../../src/conversation/assistant';
import { createRouter } from '../../src/engine/router';
import type { Answer, Query } from '../../src/engine/types';
import { loadKnowledge } from '../../src/knowledge/loader';
import { createLogger } from '../../src/logger';
import { createMetrics, type Metrics } from '../../src/metrics';
import { RetryLater } from '../../src/outbox/errors';
import { openStore } from '../../src/store';
import type { OutboxJob, Store } from '../../src/store/types';

// The one reply flow both channels use: the knowledge-base answer is posted first, the phrasing
// replaces that same message afterwards, and failures end the way the outbox needs them to.
// The channel side is a transport that records what it was asked to send.

const router = createRouter(loadKnowledge());
const QUESTION: Query = { text: 'who patches the guest OS on EC2?', platform: 'slack', userId: 'U1', conversationId: 'C1' };
const PHRASED = 'You patch the guest OS; AWS patches the host [1].';

interface Sent {
  kind: 'post' | 'update';
  text: string;
  handle?: string;
}

/** A channel's transport that renders an answer as its text (phrased when it is) and records every send. */
function recordingTransport(options: { handle?: string; failPost?: Error; failUpdate?: Error } = {}): ReplyTransport<string, string> & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    render: (answer: Answer) => answer.phrased?.text ?? answer.text,
    async post(text) {
      if (options.failPost) throw options.failPost;
      sent.push({ kind: 'post', text });
      return 'handle' in options ? options.handle : 'm-1';
    },
    async update(handle, text) {
      if (options.failUpdate) throw options.failUpdate;
      sent.push({ kind: 'update', text, handle });
    },
  };
}

const job = (id = 7): OutboxJob => ({ id, kind: 'test.answer', lane: 'test:C1', payload: {}, status: 'pending', attempts: 1, createdAt: new Date(), eventAt: new Date() });

let store: Store;
let dir: string;
let logs: Array<Record<string, unknown>>;
let logger: ReturnType<typeof createLogger>;
let metrics: Metrics;
let assistant: Assistant;
let phraseCalls: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'whosecures-replyflow-'));
  store = await openStore({ dataDir: dir });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  logs = [];
  metrics = createMetrics();
  logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (logs.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l))), done()) }));
  assistant = new Assistant({ router, store, logger, metrics, logQuestionText: false, rateLimitPerMinute: 1000 });
  phraseCalls = 0;
  // The LLM's part, as the assistant returns it: the same answer with its phrasing.
  assistant.phrase = async (answer) => {
    phraseCalls++;
    return { ...answer, phrased: { text: PHRASED, model: 'fake' } };
  };
});

const flowFor = (extra: Partial<ConstructorParameters<typeof ReplyFlow>[0]> = {}) =>
  new ReplyFlow({ assistant, logger, metrics, ...extra });

const counted = async (name: keyof Metrics, labels: Record<string, string>) => {
  const metric = (await (metrics[name] as { get(): Promise<{ values: Array<{ labels: Record<string, string>; value: number }> }> }).get()).values;
  return metric.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))?.value ?? 0;
};

describe('ReplyFlow.now: a reply outside the outbox', () => {
  it('posts the knowledge-base answer, then updates that same message with its phrasing', async () => {
    const transport = recordingTransport();
    const answer = await flowFor().now({ query: QUESTION, transport });
    expect(answer.cells.length).toBeGreaterThan(0);
    expect(transport.sent).toEqual([
      { kind: 'post', text: answer.text },
      { kind: 'update', text: PHRASED, handle: 'm-1' },
    ]);
    expect(await counted('replyUpdates', { platform: 'slack', outcome: 'updated' })).toBe(1);
    expect(logs.some((l) => l.event === 'slack_answer_phrased' && l.answerId === answer.id)).toBe(true);
  });

  it('leaves the message alone when there is no phrasing, and asks for none when the post gave no handle', async () => {
    assistant.phrase = async () => {
      phraseCalls++;
      return undefined;
    };
    const plain = recordingTransport();
    await flowFor().now({ query: QUESTION, transport: plain });
    expect(plain.sent.map((s) => s.kind)).toEqual(['post']);
    expect(phraseCalls).toBe(1);
    const noHandle = recordingTransport({ handle: undefined });
    await flowFor().now({ query: QUESTION, transport: noHandle });
    expect(noHandle.sent.map((s) => s.kind)).toEqual(['post']);
    expect(phraseCalls).toBe(1);
  });

  it('throws a failed post to its caller, which owns the apology outside the outbox', async () => {
    await expect(flowFor().now({ query: QUESTION, transport: recordingTransport({ failPost: new Error('channel_not_found') }) })).rejects.toThrow('channel_not_found');
  });
});

describe('ReplyFlow.job: a reply from an outbox job', () => {
  const outboxReply = (transport: ReplyTransport<string, string>, said: string[]) => ({
    query: { ...QUESTION, platform: 'teams' as const },
    transport,
    expired: async () => void said.push('expired'),
    apologise: async () => void said.push('apology'),
    logContext: { conversationType: 'personal' },
  });

  it('posts now and phrases only in the follow-up, after the job is marked', async () => {
    const transport = recordingTransport();
    const said: string[] = [];
    const outcome = await flowFor().job(job(), { stale: false }, outboxReply(transport, said));
    expect(outcome.status).toBe('sent');
    expect(transport.sent.map((s) => s.kind)).toEqual(['post']);
    expect(phraseCalls).toBe(0);
    await outcome.afterwards!();
    expect(transport.sent.map((s) => s.kind)).toEqual(['post', 'update']);
    expect(said).toEqual([]);
  });

  it('hands the phrasing step to the channel when it runs such work itself', async () => {
    const later: Array<() => Promise<void>> = [];
    const transport = recordingTransport();
    const outcome = await flowFor({ runLater: (step) => void later.push(step) }).job(job(), { stale: false }, outboxReply(transport, []));
    await outcome.afterwards!();
    expect(transport.sent.map((s) => s.kind)).toEqual(['post']);
    expect(later).toHaveLength(1);
    await later[0]();
    expect(transport.sent.map((s) => s.kind)).toEqual(['post', 'update']);
  });

  it('tells the asker a stale question expired, without answering it', async () => {
    const transport = recordingTransport();
    const said: string[] = [];
    const before = await counted('questions', { platform: 'teams' });
    const outcome = await flowFor().job(job(), { stale: true }, outboxReply(transport, said));
    expect(outcome).toEqual({ status: 'expired' });
    expect(said).toEqual(['expired']);
    expect(transport.sent).toEqual([]);
    expect(await counted('questions', { platform: 'teams' })).toBe(before);
  });

  it('apologises once when the answer cannot be made, logs it with the job and the channel context, and counts it', async () => {
    assistant.answer = async () => {
      throw new Error('router exploded');
    };
    const transport = recordingTransport();
    const said: string[] = [];
    const outcome = await flowFor().job(job(42), { stale: false }, outboxReply(transport, said));
    expect(outcome).toEqual({ status: 'sent' });
    expect(said).toEqual(['apology']);
    expect(transport.sent).toEqual([]);
    const failure = logs.find((l) => l.event === 'teams_turn_failed')!;
    expect(failure).toMatchObject({ jobId: 42, conversationType: 'personal', err: expect.objectContaining({ message: 'router exploded' }) });
    expect(await counted('errors', { component: 'teams' })).toBe(1);
  });

  it('throws a failed post as it is, for the outbox to retry or give up', async () => {
    const retry = new RetryLater('throttled', 1000, true);
    await expect(flowFor().job(job(), { stale: false }, outboxReply(recordingTransport({ failPost: retry }), []))).rejects.toBe(retry);
  });

  it('a failed update is logged through the channel\'s error summary and counted, never thrown: the posted answer stands', async () => {
    const transport = recordingTransport({ failUpdate: Object.assign(new Error('message_not_found'), { data: { secret: 'request body' } }) });
    const outcome = await flowFor({ errorSummary: (err) => ({ summary: (err as Error).message }) }).job(job(), { stale: false }, outboxReply(transport, []));
    await expect(outcome.afterwards!()).resolves.toBeUndefined();
    expect(transport.sent.map((s) => s.kind)).toEqual(['post']);
    const failed = logs.find((l) => l.event === 'teams_update_failed')!;
    expect(failed.err).toEqual({ summary: 'message_not_found' });
    expect(JSON.stringify(logs)).not.toContain('request body');
    expect(await counted('errors', { component: 'teams_phrasing' })).toBe(1);
    expect(await counted('replyUpdates', { platform: 'teams', outcome: 'failed' })).toBe(1);
  });
});
