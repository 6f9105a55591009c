import { ACTION, decodeFeedbackValue, encodeFeedbackValue } from '../../../src/channels/slack/actionIds';
import { decodeEscalateValue } from '../../../src/channels/slack/escalation/escalateValue';
import { escapeMrkdwn, mrkdwnLink, splitMrkdwn } from '../../../src/channels/slack/mrkdwn';
import { renderSlackAnswer } from '../../../src/channels/slack/renderAnswer';
import { SLACK_LIMITS } from '../../../src/channels/slack/slackLimits';
import { questionFromSlackText } from '../../../src/channels/slack/slackText';
import type { Answer } from '../../../src/engine/types';
import { composeText } from '../../../src/engine/answerText';
import { allTexts } from './slackTestApp';

type AnyBlock = { type: string; text?: { type: string; text: string }; elements?: Array<{ type: string; text?: { text: string } | string; value?: string; action_id?: string }> };

function answer(overrides: Partial<Answer> = {}): Answer {
  const base: Answer = {
    id: 'a-1',
    intent: 'lookup',
    verdict: 'customer',
    topic: { id: 'ec2.os-patching', title: 'Operating system patching on Amazon EC2' },
    headline: 'You are responsible',
    text: '',
    aws: ['Patches the host OS and hypervisor.'],
    customer: ['Patch the guest OS.'],
    conditions: [{ when: 'With Systems Manager Patch Manager', owner: 'customer', note: 'you still schedule it' }],
    rows: [],
    citations: [{ n: 1, id: 'aws-srm', title: 'Shared Responsibility Model', url: 'https://aws.amazon.com/compliance/shared-responsibility-model/', publisher: 'AWS', locator: 'paragraph 2' }],
    suggestions: ['what am I responsible for with EC2?', 'who patches the OS on EC2 vs RDS?'],
    confidence: 0.93,
    cells: ['ec2.os-patching'],
    verified: '2025-01-10',
    context: { service: 'ec2', area: 'os-patching' },
    ...overrides,
  };
  if (!overrides.text) base.text = composeText(base, 'You patch the guest operating system of your instances.');
  return base;
}

const blocksOf = (a: Answer, opts = {}) => renderSlackAnswer(a, opts).blocks as unknown as AnyBlock[];

function checkLimits(blocks: AnyBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  for (const b of blocks) {
    if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (b.type === 'actions') {
      expect(b.elements!.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const e of b.elements!) {
        expect((e.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      }
    }
  }
}

describe('renderSlackAnswer', () => {
  it('renders verdict and topic in the header, what each side does, conditions, numbered citations, follow-ups and feedback', () => {
    const msg = renderSlackAnswer(answer());
    const blocks = msg.blocks as unknown as AnyBlock[];
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'You · Operating system patching on Amazon EC2', emoji: false } });
    const text = allTexts(blocks).join('\n');
    expect(text).toContain('*What AWS does*\n• Patches the host OS and hypervisor.');
    expect(text).toContain('*What you do*\n• Patch the guest OS.');
    expect(text).toContain('*When it changes*\n• With Systems Manager Patch Manager: You (you still schedule it)');
    expect(text).toContain('[1] <https://aws.amazon.com/compliance/shared-responsibility-model/|Shared Responsibility Model>, paragraph 2');
    expect(text).toContain('You patch the guest operating system of your instances.');
    // The lists appear once, as sections, not again inside the lead.
    expect(text.split('Patch the guest OS.').length).toBe(2);
    const ids = blocks.flatMap((b) => b.elements ?? []).map((e) => e.action_id).filter(Boolean);
    expect(ids).toEqual(['followup_0', 'followup_1', 'feedback_helpful', 'feedback_not_helpful']);
    expect(msg.text).toMatch(/^You: Operating system patching on Amazon EC2\. You are responsible\./);
    checkLimits(blocks);
  });

  it.each([
    ['aws', 'AWS'],
    ['shared', 'Shared'],
    ['depends', 'Depends'],
  ] as const)('labels verdict %s as %s', (verdict, label) => {
    expect(blocksOf(answer({ verdict }))[0].text!.text.startsWith(`${label} · `)).toBe(true);
  });

  it('uses the headline when there is no verdict (help, not found) and adds no feedback without cells', () => {
    const blocks = blocksOf(answer({ intent: 'not_found', verdict: 'unknown', topic: null, headline: 'Not in the knowledge base', cells: [], citations: [], aws: [], customer: [], conditions: [], text: 'I could not find that.' }));
    expect(blocks[0].text!.text).toBe('Not in the knowledge base');
    expect(blocks.flatMap((b) => b.elements ?? []).map((e) => e.action_id)).not.toContain('feedback_helpful');
  });

  it('adds Share in channel for ephemeral answers and credits a sharer only with a valid user id', () => {
    expect(blocksOf(answer(), { share: true }).flatMap((b) => b.elements ?? []).map((e) => e.action_id)).toContain('share_answer');
    expect(allTexts(blocksOf(answer(), { sharedBy: 'U0ABC123' })).join('\n')).toContain('Shared by <@U0ABC123>');
    expect(allTexts(blocksOf(answer(), { sharedBy: '<!channel>' })).join('\n')).not.toContain('Shared by');
  });

  it('escapes user and LLM text everywhere: no raw mention, broadcast or link can come out of the text', () => {
    const hostile = '<!channel> <!here> <!everyone> <@U0VICTIM> <!subteam^S1> <http://evil.local/?q=secret|click> & more';
    const msg = renderSlackAnswer(
      answer({
        headline: hostile,
        topic: { id: 't', title: hostile },
        aws: [hostile],
        customer: [hostile],
        conditions: [{ when: hostile, owner: 'aws', note: hostile }],
        rows: [{ cellId: 'c', label: hostile, owner: 'aws', summary: hostile, citationNumbers: [1] }],
        suggestions: [hostile],
        citations: [{ n: 1, id: 's', title: hostile, url: 'https://docs.aws.amazon.com/x', publisher: 'AWS', locator: hostile }],
        phrased: { text: `${hostile} see http://evil.local/?q=secret`, model: hostile },
      }),
    );
    // Button values are data sent back to the bot, never displayed; everything else is shown.
    const shown = JSON.parse(JSON.stringify(msg.blocks, (k, v: unknown) => (k === 'value' ? undefined : v))) as unknown;
    for (const t of [msg.text, ...allTexts(shown)]) {
      expect(t).not.toMatch(/<[!@#]/);
      expect(t).not.toMatch(/<http:\/\/evil/);
    }
    const text = allTexts(shown).join('\n');
    expect(text).toContain('&lt;!channel&gt;');
    // Bare URLs from user or LLM text are removed: Slack would turn them into links.
    expect(text).not.toContain('evil.local');
    expect(text).toContain('[link removed]');
    expect(text).toContain('&amp; more');
    // The one link is the knowledge-base citation, with its title escaped inside.
    expect(text.match(/<https?:[^>]*>/g)).toEqual([`<https://docs.aws.amazon.com/x|${escapeMrkdwn(hostile.replace(/http:\/\/evil[^|]+/, '[link removed]')).replace(/\|/g, '¦')}>`]);
  });

  it('only links http(s) URLs and cannot be broken out of by | or > in a URL', () => {
    expect(mrkdwnLink('javascript:alert(1)', 'x')).toBe('x');
    expect(mrkdwnLink('not a url', 'a<b')).toBe('a&lt;b');
    expect(mrkdwnLink('https://example.com/a|b>c', 'T')).toBe('<https://example.com/a%7Cb%3Ec|T>');
  });

  it('splits a long explanation into sections of at most 3,000 characters, never inside an entity', () => {
    const long = Array.from({ length: 400 }, (_, i) => `Sentence ${i} about patching & keys <ok>.`).join(' ');
    const blocks = blocksOf(answer({ text: long, aws: [], customer: [], conditions: [] }));
    const sections = blocks.filter((b) => b.type === 'section');
    expect(sections.length).toBeGreaterThan(4);
    checkLimits(blocks);
    for (const s of sections) expect(s.text!.text).not.toMatch(/&[a-z]{0,3}$/);
    const joined = sections.map((s) => s.text!.text).join(' ');
    expect(joined).toContain('Sentence 399');
  });

  it('splits text without spaces or newlines at the limit', () => {
    const chunks = splitMrkdwn(escapeMrkdwn('&'.repeat(5000)), 3000);
    expect(chunks.every((c) => c.length <= 3000 && /^(&amp;)+$/.test(c))).toBe(true);
    expect(chunks.join('')).toBe(escapeMrkdwn('&'.repeat(5000)));
  });

  it('trims to 50 blocks with a knowledge-base link when an answer is too long for one message', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ cellId: `c${i}`, label: `Row ${i}`, owner: 'aws' as const, summary: 'x'.repeat(2900), citationNumbers: [1] }));
    const blocks = blocksOf(answer({ rows, cells: rows.map((r) => r.cellId) }), { share: true });
    expect(blocks).toHaveLength(SLACK_LIMITS.blocksPerMessage);
    checkLimits(blocks);
    const notice = blocks.find((b) => b.type === 'section' && /trimmed to fit Slack/.test(b.text!.text))!;
    expect(notice.text!.text).toContain('<https://aws.amazon.com/compliance/shared-responsibility-model/|Shared Responsibility Model>');
    // The buttons survive trimming.
    expect(blocks.at(-1)!.type).toBe('actions');
  });

  it('keeps headers, button texts, values and the fallback text within their limits', () => {
    const huge = 'w'.repeat(5000);
    const cells = Array.from({ length: 400 }, (_, i) => `service-${i}.some-long-area-name`);
    const msg = renderSlackAnswer(answer({ topic: { id: 't', title: huge }, suggestions: [huge, huge, huge, huge], cells, text: huge }));
    checkLimits(msg.blocks as unknown as AnyBlock[]);
    expect(msg.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    const value = (msg.blocks as unknown as AnyBlock[]).flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'feedback_helpful')!.value!;
    expect(decodeFeedbackValue(value)!.cells.length).toBeGreaterThan(10);
  });

  it('renders an LLM phrasing in place of the lead, keeping the verdict and the sources', () => {
    const phrased = blocksOf(answer({ phrased: { text: 'In short: the guest OS is yours to patch.', model: 'gpt-test' } }));
    const text = allTexts(phrased).join('\n');
    expect(text).toContain('In short: the guest OS is yours to patch.');
    expect(text).not.toContain('You patch the guest operating system of your instances.');
    expect(phrased[0].text!.text).toBe('You · Operating system patching on Amazon EC2');
    expect(text).toMatch(/Worded by AI \(gpt-test\); verdict and sources from the knowledge base/);
  });

  it('is pure: the same answer renders the same message', () => {
    expect(renderSlackAnswer(answer())).toEqual(renderSlackAnswer(answer()));
  });
});

describe('feedback button values', () => {
  it('round-trips and rejects garbage', () => {
    expect(decodeFeedbackValue(encodeFeedbackValue('a1', ['x.y']))).toEqual({ answerId: 'a1', cells: ['x.y'] });
    expect(decodeFeedbackValue('not json')).toBeUndefined();
    expect(decodeFeedbackValue('{"c":[]}')).toBeUndefined();
  });
});

describe('questionFromSlackText', () => {
  it('drops the bot mention, turns entities into plain text and decodes Slack escapes', () => {
    expect(questionFromSlackText('<@UBOT> who patches <#C123|ops> for <@U456>? &lt;b&gt; &amp; <https://x.example|docs>', 'UBOT')).toBe(
      'who patches #ops for @someone? <b> & docs',
    );
    expect(questionFromSlackText('<!channel> <!here|here> hi')).toBe('@channel @here hi');
    expect(questionFromSlackText('x'.repeat(5000)).length).toBe(2000);
  });
});

describe('"Ask the security team" button', () => {
  const ids = (blocks: AnyBlock[]) => blocks.flatMap((b) => b.elements ?? []).map((e) => e.action_id).filter(Boolean);

  it('is added only when asked for, and not to help or greetings', () => {
    expect(ids(blocksOf(answer()))).not.toContain(ACTION.escalate);
    expect(ids(blocksOf(answer(), { escalate: { question: 'who patches EC2?' } }))).toContain(ACTION.escalate);
    expect(ids(blocksOf(answer({ intent: 'not_found', verdict: 'unknown', cells: [], suggestions: [] }), { escalate: { question: 'who secures flux?' } }))).toEqual([ACTION.escalate]);
    expect(ids(blocksOf(answer({ intent: 'help', verdict: null, topic: null, cells: [] }), { escalate: { question: 'help' } }))).not.toContain(ACTION.escalate);
    expect(ids(blocksOf(answer(), { escalate: { question: '   ' } }))).not.toContain(ACTION.escalate);
  });

  it('keeps the question, verdict and cell in a value within Slack limits, however long the question', () => {
    const long = `${'"<&>'.repeat(1500)} who patches EC2?`;
    const blocks = blocksOf(answer(), { escalate: { question: long }, share: true });
    checkLimits(blocks);
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION.escalate)!;
    const value = decodeEscalateValue(button.value)!;
    expect(value).toMatchObject({ answerId: 'a-1', verdict: 'customer', summary: 'You are responsible', cell: 'ec2.os-patching' });
    expect(long.startsWith(value.question)).toBe(true);
    expect(value.question.length).toBeGreaterThan(200);
    expect(decodeEscalateValue('{"a":"x"}')).toBeUndefined();
    expect(decodeEscalateValue('nope')).toBeUndefined();
  });
});
