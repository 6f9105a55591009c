import { ChannelPacer, type PacerClock } from '../../../src/channels/slack/reply/channelPacer';
import { mention } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { startSlackTestBed } from './slackTestApp';

/** A clock that moves only when the test says so. */
class ManualClock implements PacerClock {
  private time = 0;
  private readonly timers: Array<{ at: number; resolve: () => void }> = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.time + ms, resolve }));
  }
  /** Moves time forward, firing due timers in order and letting the work they release run. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.time = due.at;
      due.resolve();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

/** Runs every queued promise callback (setImmediate comes after the microtask queue). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ChannelPacer (fake clock)', () => {
  let clock: ManualClock;
  let pacer: ChannelPacer;
  let sent: Array<{ channel: string; label: string; at: number }>;
  const send = (channel: string, label: string) =>
    pacer.run(channel, async () => {
      sent.push({ channel, label, at: clock.now() });
      return label;
    });

  beforeEach(() => {
    clock = new ManualClock();
    pacer = new ChannelPacer(1000, clock);
    sent = [];
  });

  it('spaces a burst to one channel a second apart, in order, without delaying other channels', async () => {
    const results = [send('C1', 'a'), send('C1', 'b'), send('C1', 'c'), send('C2', 'x')];
    await clock.advance(0);
    expect(sent).toEqual([
      { channel: 'C1', label: 'a', at: 0 },
      { channel: 'C2', label: 'x', at: 0 },
    ]);
    await clock.advance(999);
    expect(sent.map((s) => s.label)).toEqual(['a', 'x']);
    await clock.advance(2000);
    expect(sent.filter((s) => s.channel === 'C1')).toEqual([
      { channel: 'C1', label: 'a', at: 0 },
      { channel: 'C1', label: 'b', at: 1000 },
      { channel: 'C1', label: 'c', at: 2000 },
    ]);
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'x']);
    expect(pacer.busyChannels).toBe(0);
  });

  it('waits only for what is left of the second after the last send to that channel', async () => {
    await send('C1', 'a');
    await clock.advance(300);
    const b = send('C1', 'b');
    await clock.advance(699);
    expect(sent.map((s) => s.label)).toEqual(['a']);
    await clock.advance(1);
    await b;
    expect(sent[1]).toEqual({ channel: 'C1', label: 'b', at: 1000 });
    await clock.advance(5000);
    await send('C1', 'c');
    expect(sent[2].at).toBe(6000);
  });

  it('a failed send reaches its own caller and does not stop the queue behind it', async () => {
    const failed = pacer.run('C1', async () => {
      throw new Error('channel_not_found');
    });
    const next = send('C1', 'b');
    await expect(failed).rejects.toThrow('channel_not_found');
    await clock.advance(1000);
    await expect(next).resolves.toBe('b');
    expect(sent).toEqual([{ channel: 'C1', label: 'b', at: 1000 }]);
  });

  it('with spacing 0 sends at once', async () => {
    pacer = new ChannelPacer(0, clock);
    await Promise.all([send('C1', 'a'), send('C1', 'b')]);
    expect(sent.map((s) => s.at)).toEqual([0, 0]);
  });
});

describe('Slack posts paced per channel (fake Web API timestamps)', () => {
  it('a burst of answers in one channel arrives at least ~1 s apart; another channel is not held up', async () => {
    const bed = await startSlackTestBed({ SLACK_POST_SPACING_MS: '1000', RATE_LIMIT_PER_MINUTE: '1000' });
    try {
      const busy = ['who patches the guest OS on EC2?', 'who encrypts EBS volumes?', 'who patches RDS?'].map((q) => mention(q, { channel: 'C0BUSY' }));
      for (const body of busy) expect((await postToSlackEndpoint(bed.app.baseUrl, body)).status).toBe(200);
      await bed.fake.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0BUSY'));
      await postToSlackEndpoint(bed.app.baseUrl, mention('who secures IAM users?', { channel: 'C0QUIET' }));
      const posts = await bed.fake.waitForCalls('chat.postMessage', 4);

      const inBusy = posts.filter((p) => p.args.channel === 'C0BUSY');
      expect(inBusy.map((p) => p.args.thread_ts).sort()).toEqual(busy.map((b) => (b.event as { ts: string }).ts).sort());
      for (let i = 1; i < inBusy.length; i++) expect(inBusy[i].at - inBusy[i - 1].at).toBeGreaterThanOrEqual(900);
      // The quiet channel's answer went out while the busy channel was still waiting its turn.
      const order = posts.map((p) => p.args.channel);
      expect(order.indexOf('C0QUIET')).toBeLessThan(order.lastIndexOf('C0BUSY'));
    } finally {
      await bed.close();
    }
  });
});
