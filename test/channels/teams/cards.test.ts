import { createRouter } from '../../../src/engine/router';
import type { Answer } from '../../../src/engine/types';
import { loadKnowledge } from '../../../src/knowledge/loader';
import { renderTeamsAnswer, phrasedMessageText } from '../../../src/channels/teams/render/answerCard';
import { CITATION_ABSTRACT_MAX } from '../../../src/channels/teams/render/aiEntities';
import { renderSearchResults } from '../../../src/channels/teams/render/searchResults';
import { renderTeamsWelcome } from '../../../src/channels/teams/render/welcomeCard';
import { VERB_ASK, VERB_FEEDBACK } from '../../../src/channels/teams/render/actions';
import { cardProblems, cardTexts, openUrls } from './fakes/validateCard';
import { renderAnswerDialogCard, renderCuratorCard, renderCuratorReply, renderTeamsDigest } from '../../../src/channels/teams/render/escalationCards';

const kb = loadKnowledge();
const router = createRouter(kb);
const knownUrls = new Set([...kb.sources.values()].map((s) => s.url));

const ask = (text: string) => router.route({ text, platform: 'teams', userId: 'u', conversationId: 'c' });

/** One question per intent and shape of answer the bot can send. */
const QUESTIONS = [
  'who patches the guest OS on EC2?',
  'who patches the OS on EC2 vs RDS vs Lambda?',
  'what am I responsible for with RDS?',
  'what is the shared responsibility model?',
  'help',
  'hello',
  'what is the capital of France?',
  'who secures the flux capacitor?',
  'x'.repeat(1200),
  'is S3 encryption on me?',
  'who manages IAM for lambda?',
];

function card(answer: Answer) {
  return renderTeamsAnswer(answer).attachments[0].content;
}

describe('Teams Adaptive Cards', () => {
  it.each(QUESTIONS.map((q) => [q.slice(0, 60)]))('the card for "%s" validates with the adaptivecards library', (q) => {
    const question = QUESTIONS.find((x) => x.startsWith(q))!;
    const answer = ask(question);
    expect(cardProblems(card(answer))).toEqual([]);
  });

  it('the welcome card and the search results validate', () => {
    expect(cardProblems(renderTeamsWelcome().attachments[0].content)).toEqual([]);
    const results = renderSearchResults([ask('is S3 encryption on me?'), ask('who patches the OS on EC2 vs RDS vs Lambda?')]);
    for (const a of results.composeExtension.attachments) expect(cardProblems(a.content)).toEqual([]);
  });

  it('the validator does catch broken cards (it is not a rubber stamp)', () => {
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Bogus' }] })).not.toEqual([]);
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.5', body: [], actions: [{ type: 'Action.OpenUrl', title: 'x' }] })).not.toEqual([]);
    expect(cardProblems({ type: 'AdaptiveCard', version: '1.6', body: [] })).not.toEqual([]);
  });

  it('shows verdict, topic, both sides and numbered sources that open knowledge-base URLs', () => {
    const answer = ask('who patches the guest OS on EC2?');
    const json = card(answer);
    const texts = cardTexts(json).join('\n');
    expect(texts).toContain(answer.headline);
    expect(texts).toContain('Responsible: **You**');
    expect(texts).toContain('What you do');
    expect(texts).toContain('What AWS does');
    for (const c of answer.citations) expect(texts).toContain(`\\[${c.n}\\]`);
    const urls = openUrls(json);
    expect(urls).toEqual(answer.citations.map((c) => c.url));
    for (const url of urls) expect(knownUrls.has(url)).toBe(true);
  });

  it('a comparison lists one row per service with its citation numbers', () => {
    const answer = ask('who patches the OS on EC2 vs RDS vs Lambda?');
    const texts = cardTexts(card(answer)).join('\n');
    for (const row of answer.rows) expect(texts).toContain(`**${row.label}**`);
  });

  it('carries follow-up and feedback buttons with the answer id and cells', () => {
    const answer = ask('who patches the guest OS on EC2?');
    const actions = card(answer).actions as Array<{ type: string; verb: string; data: Record<string, unknown> }>;
    const feedback = actions.filter((a) => a.verb === VERB_FEEDBACK);
    expect(feedback.map((a) => a.data)).toEqual([
      { answerId: answer.id, helpful: true, cells: answer.cells },
      { answerId: answer.id, helpful: false, cells: answer.cells },
    ]);
    expect(actions.filter((a) => a.verb === VERB_ASK).map((a) => a.data.question)).toEqual(answer.suggestions.slice(0, 3));
    expect(actions.every((a) => a.type === 'Action.Execute')).toBe(true);
  });

  it('has a plain-text fallback and a notification summary', () => {
    const answer = ask('who patches the guest OS on EC2?');
    const message = renderTeamsAnswer(answer);
    expect(message.summary).toContain(answer.headline);
    expect(message.attachments[0].content.fallbackText).toContain('guest operating system');
    expect(message.text).toBeUndefined();
    expect(message.entities).toBeUndefined();
  });

  describe('untrusted text', () => {
    const hostile = (): Answer => {
      const answer = ask('who patches the guest OS on EC2?');
      const evil = '<at>everyone</at> **bold** [click](https://evil.example/steal?q=secret) www.evil.example _x_ `code`';
      return { ...answer, headline: evil, aws: [evil], customer: [evil], text: evil, topic: { id: 't', title: evil } };
    };

    it('cannot inject links, emphasis or mentions into a card', () => {
      const json = card(hostile());
      const texts = cardTexts(json).join('\n');
      expect(texts).not.toMatch(/(^|[^\\])\[click\]/);
      expect(texts).not.toContain('](https://');
      expect(texts).not.toContain('https://evil');
      expect(texts).not.toContain('www.evil');
      expect(texts).toContain('\\*\\*bold\\*\\*');
      expect(openUrls(json).every((u) => knownUrls.has(u))).toBe(true);
      expect(cardProblems(json)).toEqual([]);
    });

    it('cannot inject HTML, mentions or links into message text', () => {
      const text = phrasedMessageText('<at>everyone</at> <a href="https://evil.example">x</a> [x](https://evil.example) see [1] and [99]', ask('who patches the guest OS on EC2?').citations);
      expect(text).not.toContain('<');
      expect(text).not.toContain('https://evil');
      expect(text).toContain('&lt;at&gt;');
      expect(text).toContain('[1]');
      expect(text).not.toContain('[99]');
    });
  });

  describe('when an LLM phrased the explanation', () => {
    const phrasedAnswer = (): Answer => {
      const answer = ask('who patches the OS on EC2 vs RDS vs Lambda?');
      return { ...answer, phrased: { text: 'On EC2 you patch the guest OS [1][3]; on RDS and Lambda AWS does [5] [8]. Unknown [42].', model: 'test-model' } };
    };

    it('puts it in the message text, labelled AI-generated, with one citation entity per marker', () => {
      const answer = phrasedAnswer();
      const message = renderTeamsAnswer(answer);
      expect(message.text).toContain('[1][3]');
      expect(message.text).not.toContain('[42]');
      const entity = message.entities![0] as unknown as { additionalType: string[]; citation: Array<{ position: number; appearance: { url: string; abstract: string; name: string } }> };
      expect(entity.additionalType).toEqual(['AIGeneratedContent']);
      const markers = [...message.text!.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
      expect(entity.citation.map((c) => c.position).sort((a, b) => a - b)).toEqual([...new Set(markers)].sort((a, b) => a - b));
      for (const c of entity.citation) {
        expect(c.appearance.abstract.length).toBeLessThanOrEqual(CITATION_ABSTRACT_MAX);
        expect(c.appearance.url).toBe(answer.citations.find((x) => x.n === c.position)!.url);
      }
      expect(cardProblems(message.attachments[0].content)).toEqual([]);
    });

    it('keeps the verdict on the card and says where it comes from', () => {
      const texts = cardTexts(renderTeamsAnswer(phrasedAnswer()).attachments[0].content).join('\n');
      expect(texts).toContain('AI-generated');
      expect(texts).toContain('curated knowledge base');
    });
  });
});

describe('Teams escalation and digest cards', () => {
  const escalation = {
    id: 7,
    asker: '29:user-1',
    askerName: 'Ada *<b>*',
    channel: '19:x@thread.tacv2;messageid=1',
    question: 'who secures [this](https://evil.example) <at>Everyone</at>?',
    verdict: 'customer',
    summary: 'You are responsible',
    cell: 'ec2.os-patching',
    curatorAnswer: 'We do, see the runbook.',
  };

  it.each(['open', 'answered', 'closed'] as const)('the curators\u2019 card when %s validates and escapes the question', (state) => {
    const card = renderCuratorCard({ ...escalation, state }, 'Grace').attachments![0].content as Record<string, unknown>;
    expect(cardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('https://evil.example');
    expect(cardTexts(card).join('\n')).toContain('asked in a channel');
  });

  it('the answer dialog, the reply to the asker and the digest validate', () => {
    expect(cardProblems(renderAnswerDialogCard(escalation))).toEqual([]);
    expect(cardProblems(renderAnswerDialogCard(escalation, 'Write an answer first.'))).toEqual([]);
    const reply = renderCuratorReply({ id: escalation.asker, name: escalation.askerName }, 'Grace', 'We do.');
    expect(cardProblems((reply.attachments![0] as { content: unknown }).content)).toEqual([]);
    expect(reply.text).not.toContain('<b>');
    const digest = renderTeamsDigest({ since: new Date(), scanned: { questions: 0, feedback: 0 }, gaps: [] } as unknown as Parameters<typeof renderTeamsDigest>[0], '2026-W49');
    expect(cardProblems((digest.attachments![0] as { content: unknown }).content)).toEqual([]);
  });

  it('an answer card with "Ask the security team" keeps within five actions', () => {
    for (const q of QUESTIONS) {
      const json = renderTeamsAnswer(ask(q), { escalate: { question: q } }).attachments[0].content;
      expect(cardProblems(json)).toEqual([]);
    }
  });
});
