import { answerFromCell, baseAnswer } from '../build';
import { hitQuestion, lowerFirst } from '../answerText';
import { isAlwaysUnrelated, isGreeting, isHelp } from '../guards';
import type { Intent, RouteContext } from './context';
import { EXAMPLE_QUESTIONS } from '../examples';

const HELP_EXAMPLES = [EXAMPLE_QUESTIONS.guestOs, EXAMPLE_QUESTIONS.ebs, EXAMPLE_QUESTIONS.compare, EXAMPLE_QUESTIONS.rds, EXAMPLE_QUESTIONS.model];

export const HELP_TEXT = `I answer "who secures X?" for the AWS shared responsibility model, from a curated matrix of AWS services and responsibility areas, with citations.

Try:
${HELP_EXAMPLES.map((q) => `  - ${q}`).join('\n')}`;

const EXAMPLES = HELP_EXAMPLES.slice(0, 4);

export const helpIntent: Intent = {
  name: 'help',
  matches: (ctx) => ctx.detection.tokens.length === 0 || (isHelp(ctx.detection.normalized) && ctx.services.length === 0 && !ctx.area),
  handle: () => {
    const answer = baseAnswer('help', null, 'What I can answer', HELP_TEXT);
    answer.suggestions = EXAMPLES;
    return answer;
  },
};

export const greetingIntent: Intent = {
  name: 'greeting',
  matches: (ctx) => isGreeting(ctx.detection.tokens, ctx.services.length === 0 && !ctx.area && ctx.detection.concepts.length === 0),
  handle: (ctx) => {
    const thanks = ctx.detection.tokens.some((t) => /^(thanks|thank|thx|ty|cheers)$/.test(t));
    const answer = baseAnswer(
      'greeting',
      null,
      thanks ? 'Happy to help' : 'Hello',
      thanks
        ? 'Happy to help. Ask me about any other AWS service or responsibility area.'
        : 'Hello! Ask me who secures something on AWS, for example "who patches the guest OS on EC2?".',
    );
    answer.suggestions = EXAMPLES.slice(0, 3);
    return answer;
  },
};

export const GUARD_TEXT: Record<string, string> = {
  other_cloud: 'I only cover the AWS shared responsibility model. For other clouds, check that provider\'s own shared responsibility documentation.',
  secrets: 'I can\'t share credentials, secrets, configuration or my instructions. I can tell you who is responsible for something on AWS.',
  manipulation: 'I can\'t change an answer on request: every verdict comes from the curated knowledge base and its sources.',
  harmful: 'I can\'t help with getting into other people\'s accounts, data or AWS infrastructure. I can explain who secures what on AWS.',
  unrelated: 'That\'s outside what I know. I answer questions about who secures what on AWS (the shared responsibility model).',
  task: 'I don\'t write code, templates or documents. I answer who is responsible for what on AWS, e.g. "who writes the bucket policy for our S3 data?".',
  arithmetic: 'I don\'t do calculations. I answer who is responsible for what on AWS (the shared responsibility model).',
  finance: 'I can\'t give financial or investment advice. I answer who is responsible for what on AWS (the shared responsibility model).',
  facility_details: 'I can\'t share details of AWS facilities such as addresses, guard rotations, floor plans or entry systems; AWS does not publish them.',
  legal_review: 'I can\'t review contracts or give legal advice; that is for your legal team. I can tell you who is responsible for what on AWS, which is often what such a document needs to reflect.',
  promise: 'I can\'t make legal, financial or compliance promises on AWS\'s behalf. AWS\'s commitments are in your agreement with AWS and in the compliance reports in AWS Artifact; I can tell you who is responsible for what.',
};

/**
 * Questions for a number, a colour or a date ("how many guards are on shift?") are about facts
 * the matrix does not hold, even when they name a responsibility area.
 */
const TRIVIA = /^(which|what) (exact|specific|precise) |\b(build number|exact build|right now on my|running under my instance|i [0-9a-f]{8,})\b|\b(street address|exact address|address of the|gps coordinates|where exactly is|which building|names? of the (guards|staff|employees))\b|^(how many|how often (exactly )?(did|does|do|is)|what colou?r|what brand|what time|what date|which vendor|what model|what kind of (locks|badges|cameras|guards)|how old|how big|how tall|how much (did|does) aws (spend|pay))\b/;
const OWNERSHIP_WORDS = /\b(who|whose|responsib\w*|on me|on us|my job|our job|aws or (me|us|we|i))\b/;

export const triviaIntent: Intent = {
  name: 'trivia',
  matches: (ctx) => TRIVIA.test(ctx.detection.normalized) && !OWNERSHIP_WORDS.test(ctx.detection.normalized.replace(/\b(street address|exact address|address of the)\b.*/, '')),
  handle: (ctx) => {
    const answer = baseAnswer(
      'not_found',
      'unknown',
      'Not in the knowledge base',
      'The knowledge base records who is responsible for what, not figures or operational details like that. Ask who owns a task, e.g. "who handles physical security of the data centers?".',
    );
    answer.suggestions = ctx.search.search(ctx.clean, 3).map(hitQuestion);
    answer.confidence = 0.2;
    return answer;
  },
};

export const outOfScopeIntent: Intent = {
  name: 'out_of_scope',
  matches: (ctx) =>
    ctx.guard !== undefined ||
    ctx.decline !== undefined ||
    isAlwaysUnrelated(ctx.detection.normalized) ||
    // On-premises infrastructure is out of scope whatever area words it uses, unless it names AWS services.
    // ...but "is patching theirs or ours in aws land? someone said: same as on-prem" compares.
    (ctx.onPremises && ctx.services.length === 0 && !(ctx.area && /\b(aws|amazon)\b/.test(ctx.detection.normalized))) ||
    // An AWS service the matrix does not cover ("Amazon Translate") is still an AWS question.
    (ctx.unrelatedTopic && ctx.services.length === 0 && ctx.uncovered === undefined && ctx.detection.areas.every((a) => a.score < 1.5) && ctx.detection.concepts.length === 0),
  handle: (ctx: RouteContext) => {
    const reason = ctx.guard ?? ctx.decline ?? 'unrelated';
    const answer = baseAnswer('out_of_scope', 'out_of_scope', 'Out of scope', GUARD_TEXT[reason]);
    answer.suggestions = EXAMPLES.slice(0, 3);
    // Declining facility details still states whose job the facility's security is.
    const physical = reason === 'facility_details' ? ctx.kb.generalCell(ctx.kb.lexicon['facility-area'] ?? '') : undefined;
    if (physical) {
      const rule = answerFromCell(ctx.kb, physical, { confidence: 1 });
      // The rule's summary only: its lists belong to an answer about that cell, not to a refusal.
      answer.text += `\n\nWhat the knowledge base says: ${lowerFirst(physical.summary)}`;
      answer.citations = rule.citations;
      answer.cells = rule.cells;
    }
    return answer;
  },
};
