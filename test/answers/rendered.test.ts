import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSlackAnswer } from '../../src/channels/slack/renderAnswer';
import { renderTeamsAnswer } from '../../src/channels/teams/render/answerCard';
import { answerToTerminal } from '../../src/cli/format';
import { composeText, leadOfText } from '../../src/engine/answerText';
import { createRouter } from '../../src/engine/router';
import type { Answer, Platform, ThreadContext } from '../../src/engine/types';
import { actionWord, isThirdPerson } from '../../src/knowledge/style';
import { loadKnowledge } from '../../src/knowledge/loader';

/**
 * Forty answers of every shape, rendered on every surface, read the way a person reads them:
 * the lead, the "What you do" bullets, the "When it changes" labels and the follow-up
 * questions. The renderings are written to rendered.md for review; the test fails when that
 * file is out of date (UPDATE_RENDERED=1 rewrites it).
 */

interface Case {
  shape: string;
  question: string;
  /** The thread's context, for follow-ups ("and for Lambda?"). */
  context?: ThreadContext;
}

const CASES: Case[] = [
  { shape: 'lookup, you own it', question: 'who patches the guest OS on EC2?' },
  { shape: 'lookup, AWS owns it', question: 'who patches the OS on RDS?' },
  { shape: 'lookup, shared', question: 'who encrypts S3 data at rest?' },
  { shape: 'lookup, shared with conditions', question: 'who handles backups on RDS?' },
  { shape: 'lookup, depends with conditions', question: 'who manages S3 encryption keys?' },
  { shape: 'yes/no, yes', question: 'is patching the os on rds handled by aws?' },
  { shape: 'yes/no, no', question: 'is AWS responsible for my S3 bucket policies?' },
  { shape: 'misconception', question: 'AWS patches the guest OS on my EC2 instances, right?' },
  { shape: 'misconception confirmed', question: 'AWS patches the OS under RDS, right?' },
  { shape: 'situation override', question: 'who patches the database engine on RDS Custom?' },
  { shape: 'situation override, AWS', question: 'who encrypts data on NVMe instance store on EC2?' },
  { shape: 'situation override, general rule', question: 'who trains our own developers on security?' },
  { shape: 'duty inside a shared cell', question: 'who includes Outposts in the AWS compliance programs?' },
  { shape: 'duty of the other side', question: 'who scrubs instance memory on EC2?' },
  { shape: 'both sides asked', question: "what's on AWS and what's on us for RDS backups?" },
  { shape: 'two questions in one', question: 'who patches S3 and who sets bucket policies?' },
  { shape: 'compare with area, differs', question: 'who patches the OS on EC2 vs RDS vs Lambda?' },
  { shape: 'compare with area, one owner', question: 'compare S3 and DynamoDB for physical security' },
  { shape: 'compare without area', question: 'compare S3 and EBS' },
  { shape: 'compare without area, two compute services', question: 'EC2 vs Lambda' },
  { shape: 'overview', question: 'what am I responsible for with RDS?' },
  { shape: 'overview, abstracted service', question: 'what am I responsible for with Amazon MQ?' },
  { shape: 'general rule for a service with no cell', question: 'who handles backups on WAF?' },
  { shape: 'general rule that holds for every service', question: 'who secures the data center for DynamoDB?' },
  { shape: 'general rule that depends: which service?', question: 'who patches the OS?' },
  { shape: 'general rule, no service named', question: 'who handles physical security of the data centers?' },
  { shape: 'follow-up in a thread', question: 'and for Lambda?', context: { service: 'ec2', area: 'os-patching' } },
  { shape: 'not covered yet, with an area', question: 'who encrypts data in Amazon QLDB?' },
  { shape: 'not covered yet, no area', question: 'what am I responsible for with AWS IoT Core?' },
  { shape: 'out of scope', question: 'what is the capital of France?' },
  { shape: 'refusal, harmful', question: "help me bypass the security group of someone else's ec2 instance" },
  { shape: 'refusal, dictated answer', question: 'say that AWS patches the guest OS on EC2' },
  { shape: 'refusal, a task', question: 'write a terraform module for an s3 bucket' },
  { shape: 'other cloud', question: 'who patches VMs on Azure?' },
  { shape: 'clarify with suggestions', question: 'who patches aurora engine' },
  { shape: 'clarify with suggestions, situations', question: 'who encrypts aurora?' },
  { shape: 'not found with did-you-mean', question: 'who owns the responsibility for quux frobs' },
  { shape: 'concept', question: 'what is the shared responsibility model?' },
  { shape: 'greeting', question: 'hello' },
  { shape: 'help', question: 'help' },
];

const kb = loadKnowledge();
const router = createRouter(kb);

function answerTo(c: Case, n: number, platform: Platform): Answer {
  const answer = router.route({ text: c.question, platform, userId: 'u', conversationId: 'c', threadId: 't', context: c.context });
  // Ids are random; the rendering under review must not change between runs.
  return { ...answer, id: `answer${String(n).padStart(2, '0')}` };
}

/** What a person reads on one surface. */
interface Reading {
  /** Everything shown, in order, one string per line. */
  lines: string[];
  lead: string;
  youDo: string[];
  whenItChanges: string[];
  suggestions: string[];
}

function cliReading(answer: Answer): Reading {
  const lines = answerToTerminal(answer).split('\n');
  const sectionOf = (title: string) => {
    const start = lines.indexOf(title);
    if (start < 0) return [];
    const out: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (!line.startsWith('  - ')) break;
      out.push(line.slice(4));
    }
    return out;
  };
  const next = lines.find((l) => /^(Try next|Did you mean): /.test(l));
  const lead = leadOfText(answer);
  return { lines, lead, youDo: sectionOf('What you do:'), whenItChanges: sectionOf('When it changes:'), suggestions: next ? next.replace(/^[^:]+: /, '').split(' | ') : [] };
}

type SlackBlock = { type: string; text?: { text: string }; elements?: Array<{ type: string; text?: string | { text: string } }> };
const unSlack = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function slackReading(answer: Answer): Reading {
  const blocks = renderSlackAnswer(answer).blocks as unknown as SlackBlock[];
  const lines: string[] = [];
  let lead: string | undefined;
  let youDo: string[] = [];
  let whenItChanges: string[] = [];
  let suggestions: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header') lines.push(`[header] ${block.text!.text}`);
    if (block.type === 'section') {
      const text = unSlack(block.text!.text);
      lines.push(...text.split('\n'));
      const [first, ...rest] = text.split('\n');
      const items = rest.filter((l) => l.startsWith('• ')).map((l) => l.slice(2));
      if (first === '*What you do*') youDo = items;
      else if (first === '*When it changes*') whenItChanges = items;
      else if (lead === undefined && !first.startsWith('• ') && first !== '*What AWS does*' && first !== '*Sources*') {
        // The lead section: the bold headline line (answers with a verdict), then the lead.
        lead = answer.verdict && answer.topic ? rest.join('\n') : text;
      }
    }
    if (block.type === 'context') lines.push(...(block.elements ?? []).map((e) => `[context] ${typeof e.text === 'string' ? e.text : ''}`));
    if (block.type === 'actions') {
      const labels = (block.elements ?? []).map((e) => (typeof e.text === 'object' ? e.text.text : ''));
      lines.push(...labels.map((l) => `[button] ${l}`));
      if ((block as { block_id?: string }).block_id === 'followups') suggestions = labels;
    }
  }
  return { lines, lead: lead ?? '', youDo, whenItChanges, suggestions };
}

type CardNode = { type?: string; text?: string; title?: string; verb?: string; items?: CardNode[]; columns?: CardNode[] };
const unCard = (s: string) => s.replace(/\\(.)/g, '$1');

function teamsReading(answer: Answer): Reading {
  const card = renderTeamsAnswer(answer).attachments[0].content;
  const lines: string[] = [];
  const texts = (node: CardNode): string[] => [...(node.type === 'TextBlock' && node.text ? [unCard(node.text)] : []), ...(node.items ?? []).flatMap(texts), ...(node.columns ?? []).flatMap(texts)];
  const body = card.body as CardNode[];
  let youDo: string[] = [];
  let whenItChanges: string[] = [];
  for (const node of body) {
    const own = texts(node);
    lines.push(...own.flatMap((t) => t.split('\n')));
    const list = (own[1] ?? '').split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
    if (own[0] === 'What you do') youDo = list;
    if (own[0] === 'When it changes') whenItChanges = list;
  }
  const actions = (card.actions ?? []) as CardNode[];
  lines.push(...actions.map((a) => `[action] ${a.title}`));
  // The card's second element is the lead (the first is the verdict header).
  const lead = texts(body[1])[0] ?? '';
  return { lines, lead, youDo, whenItChanges, suggestions: actions.filter((a) => a.verb === 'ask').map((a) => a.title!) };
}

const SURFACES: Array<[string, Platform, (a: Answer) => Reading]> = [
  ['CLI', 'cli', cliReading],
  ['Slack', 'slack', slackReading],
  ['Teams', 'teams', teamsReading],
];

const rendered = CASES.map((c, i) => ({
  c,
  n: i + 1,
  surfaces: SURFACES.map(([name, platform, read]) => {
    const answer = answerTo(c, i + 1, platform);
    return { name, answer, reading: read(answer) };
  }),
}));

/** Paragraphs of a lead that are prose (not the help text's list of examples). */
const prose = (lead: string) =>
  lead
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p && !p.split('\n').some((l) => /^\s*(- |• )/.test(l)) && !/:$/.test(p));

const OWNER_HEADLINES = /\b(shared: aws and you|aws is responsible|you are responsible|it depends on the service or setting)\.\s+\S/i;

/**
 * What reads wrong in one rendering, as sentences for the failure message; none for a good one.
 * `summary` is the main cell's summary: a label it contains itself is not a doubled label.
 */
function problemsOf(reading: Reading, answer: Answer, summary = ''): string[] {
  const problems: string[] = [];
  const all = reading.lines.join('\n');
  if ((all.match(/did you mean/gi)?.length ?? 0) > 1) problems.push('says "Did you mean" twice');
  const labels = reading.whenItChanges.map((l) => l.slice(0, l.indexOf(': ')).toLowerCase());
  if (new Set(labels).size !== labels.length) problems.push('lists a condition label twice');
  const count = (text: string, label: string) => text.split(label).length - 1;
  for (const label of labels) if (count(reading.lead.toLowerCase(), label) - count(summary.toLowerCase(), label) > 1) problems.push(`names "${label}" twice in the lead`);
  if (OWNER_HEADLINES.test(reading.lead) || /\): (aws|you|shared|it depends)\b/i.test(reading.lead)) problems.push('glues an owner headline to a summary');
  if (!reading.lead) problems.push('has no lead');
  for (const paragraph of prose(reading.lead)) {
    if (!/^(\*\*)?[A-Z0-9"]/.test(paragraph)) problems.push(`lead paragraph does not start with a capital: "${paragraph.slice(0, 40)}"`);
    if (!/\.(\*\*)?$/.test(paragraph)) problems.push(`lead paragraph does not end with a full stop: "${paragraph.slice(-40)}"`);
  }
  for (const bullet of reading.youDo) {
    const word = actionWord(bullet);
    if ((word !== undefined && isThirdPerson(word)) || /^You /.test(bullet)) problems.push(`What you do bullet is not an instruction: "${bullet}"`);
  }
  // Slack cuts a long button label with "…"; the question it sends is whole.
  for (const s of reading.suggestions) if (!/^[A-Z].*(\?|…)$/.test(s)) problems.push(`follow-up is not a question: "${s}"`);
  for (const s of answer.suggestions) if (!/^[A-Z].*\?$/.test(s)) problems.push(`follow-up is not a question: "${s}"`);
  return problems;
}

describe('forty answers as a person reads them, on every surface', () => {
  it('covers forty answers of every shape', () => {
    expect(CASES).toHaveLength(40);
    const intents = new Set(rendered.map((r) => r.surfaces[0].answer.intent));
    for (const intent of ['lookup', 'compare', 'overview', 'concept', 'clarify', 'help', 'greeting', 'out_of_scope', 'not_found']) expect(intents).toContain(intent);
  });

  describe.each(rendered.map((r) => [`${r.n}. ${r.c.shape}`, r] as const))('%s', (_name, r) => {
    it.each(r.surfaces.map((s) => [s.name, s] as const))('%s', (_surface, { reading, answer }) => {
      expect(problemsOf(reading, answer, kb.cells.get(answer.cells[0])?.summary)).toEqual([]);
    });
  });

  it('finds what reads wrong in an answer written the old way', () => {
    const good = rendered[0].surfaces[0].answer;
    const old: Answer = {
      ...good,
      text: 'In your situation (RDS Custom): shared: aws and you. AWS installs the engine. Did you mean one of these?',
      customer: ['Installs OS updates on every instance.', 'You choose the window.'],
      aws: [],
      conditions: [
        { when: 'Major version upgrades', owner: 'customer' },
        { when: 'Major version upgrades', owner: 'customer' },
      ],
      suggestions: ['your data and its classification on Amazon EC2?'],
      intent: 'not_found',
      headline: 'Not in the knowledge base',
    };
    old.text = composeText(old, old.text);
    for (const [name, , read] of SURFACES) {
      const problems = problemsOf(read(old), old).join('\n');
      expect([name, problems]).toEqual([name, expect.stringContaining('glues an owner headline to a summary')]);
      expect(problems).toContain('lists a condition label twice');
      expect(problems).toContain('What you do bullet is not an instruction: "Installs OS updates on every instance."');
      expect(problems).toContain('What you do bullet is not an instruction: "You choose the window."');
      expect(problems).toContain('follow-up is not a question');
    }
    expect(problemsOf(cliReading(old), old)).toContain('says "Did you mean" twice');
  });

  it('rendered.md is up to date (UPDATE_RENDERED=1 rewrites it)', () => {
    const path = join(__dirname, 'rendered.md');
    const text = renderedMarkdown();
    if (process.env.UPDATE_RENDERED === '1') writeFileSync(path, text);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

function renderedMarkdown(): string {
  const out = [
    '# Forty answers on every surface',
    '',
    'Written by `test/answers/rendered.test.ts` (`UPDATE_RENDERED=1 npx jest test/answers/rendered.test.ts` rewrites it)',
    'for review: each answer as the terminal prints it, as Slack shows its blocks and as Teams shows its card.',
    'See docs/answer-style.md for how answers should read.',
    '',
  ];
  for (const r of rendered) {
    out.push(`## ${r.n}. ${r.c.shape}`, '', `> ${r.c.question}${r.c.context ? ` (after a question about ${r.c.context.area} on ${r.c.context.service})` : ''}`, '');
    for (const s of r.surfaces) out.push(`**${s.name}**`, '', '```text', ...s.reading.lines.map((l) => l.trimEnd()), '```', '');
  }
  return out.join('\n');
}
