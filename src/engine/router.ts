import type { KnowledgeBase } from '../knowledge/types';
import { normalizeText, removeControlCharacters, stripMarkup } from '../text/normalize';
import { baseAnswer } from './build';
import { composeText, leadOfText, lowerFirst } from './answerText';
import { Detector } from './detect';
import { resolveSubject } from './subject';
import { askedParty, guardReason } from './guards';
import { SearchIndex } from './search';
import { ScopeReader } from './scope';
import { UnitIndex } from './units';
import { questionForm } from './form';
import { negatedPositions } from './negation';
import { confidenceFeatures, predictConfidence, type Features } from './calibration';
import { addClarification, CLARIFY_BELOW } from './clarify';
import { answerReadings } from './readings';
import { Vocabulary } from './vocabulary';
import { Speller } from './spelling';
import type { Answer, Query } from './types';
import type { Intent, RouteContext } from './intents/context';
import { greetingIntent, helpIntent, outOfScopeIntent, triviaIntent } from './intents/meta';
import { uncoveredIntent } from './intents/uncovered';
import { compareIntent } from './intents/compare';
import { lookupAnswer, lookupIntent } from './intents/lookup';
import { conceptIntent } from './intents/concept';
import { overviewIntent } from './intents/overview';
import { generalIntent } from './intents/general';
import { searchIntent } from './intents/notFound';

/** Longest question accepted; real questions are far shorter, and this bounds the work per message. */
export const MAX_QUESTION_CHARS = 1000;

/** Intents in priority order: the first whose `matches` is true answers. */
const INTENTS: Intent[] = [outOfScopeIntent, greetingIntent, helpIntent, triviaIntent, uncoveredIntent, compareIntent, lookupIntent, conceptIntent, overviewIntent, generalIntent, searchIntent];

export interface Router {
  route(query: Query): Answer;
  /**
   * The answer to `query` read as being about one cell (one of an earlier answer's `readings`):
   * undefined when the question is no lookup or the cell is unknown.
   */
  routeReading(query: Query, cellId: string): Answer | undefined;
  /** The answer with the features its confidence is computed from (for fitting the calibration). */
  routeExplained(query: Query): { answer: Answer; features?: Features };
  /** The ranked index the router searches; channels reuse it (Teams search extension) instead of building another. */
  readonly search: SearchIndex;
}

/**
 * The indexes a router reads its knowledge base through. Each is built from the knowledge base
 * at construction; `createRouter` may be given some already built, from a knowledge base equal
 * in everything that part reads (`kb phrases` builds one router per curated phrase removed and
 * rebuilds only the parts that read that phrase).
 */
export interface RouterParts {
  detector: Detector;
  search: SearchIndex;
  scope: ScopeReader;
  units: UnitIndex;
  speller: Speller;
}

export function createRouter(kb: KnowledgeBase, parts: Partial<RouterParts> = {}): Router {
  const detector = parts.detector ?? new Detector(kb);
  const search = parts.search ?? new SearchIndex(kb);
  const scope = parts.scope ?? new ScopeReader(kb);
  const units = parts.units ?? new UnitIndex(kb, new Vocabulary(kb));
  const speller = parts.speller ?? new Speller(kb);

  function route(query: Query): Answer {
    return routeExplained(query).answer;
  }

  function routeExplained(query: Query): { answer: Answer; features?: Features } {
    const read = readQuestion(query);
    if ('answer' in read) return read;
    const { ctx } = read;
    const intent = INTENTS.find((i) => i.matches(ctx))!;
    return finish(ctx, intent.handle(ctx));
  }

  function routeReading(query: Query, cellId: string): Answer | undefined {
    const cell = kb.cells.get(cellId);
    const read = readQuestion(query);
    if (!cell || 'answer' in read) return undefined;
    const ctx: RouteContext = { ...read.ctx, services: [cell.service], area: cell.area, secondArea: undefined, twoQuestions: false, compareCue: false };
    const answer = lookupAnswer(ctx, cell.service, cell.area);
    if (!answer) return undefined;
    const { answer: finished } = finish(ctx, answer, { readings: false });
    finished.readingChosen = true;
    return finished;
  }

  /** The question read once: its words, services, area, form and scope; or an answer already (too long, unreadable). */
  function readQuestion(query: Query): { ctx: RouteContext } | { answer: Answer } {
    const raw = typeof query.text === 'string' ? query.text : '';
    const clean = removeControlCharacters(stripMarkup(raw)).replace(/\s+/g, ' ').trim();
    if (clean.length > MAX_QUESTION_CHARS) {
      return { answer: baseAnswer(
        'invalid_input',
        null,
        'Question too long',
        `That message is ${clean.length.toLocaleString('en-US')} characters long. Ask one question of up to ${MAX_QUESTION_CHARS.toLocaleString('en-US')} characters, e.g. "who patches the OS on RDS?".`,
      ) };
    }
    if (clean && isMostlyBinary(clean)) {
      return { answer: baseAnswer('invalid_input', null, 'Unreadable message', 'I could not read that message as text. Ask a question such as "who patches the OS on RDS?".') };
    }

    // Typing slips in knowledge-base words are read as the words meant, before anything else reads the question.
    const detection = detector.detect(speller.correct(normalizeText(clean).split(' ')).join(' '));
    const form = questionForm(detection.normalized, new Set(detection.serviceHits.flatMap((h) => Array.from({ length: h.length }, (_, k) => h.start + k))), clean);
    const subject = resolveSubject(kb, search, detection, query.context ?? {}, form);

    const aboutAws = subject.services.length > 0 || detection.areas.length > 0 || detection.concepts.length > 0;
    const ctx: RouteContext = {
      kb,
      search,
      units,
      query,
      clean,
      detection,
      ...subject,
      asked: askedParty(detection.normalized),
      form,
      negated: negatedPositions(detection.tokens),
      guard: guardReason(detection.normalized) ?? (scope.otherCloud(detection.tokens, subject.services.length > 0) ? 'other_cloud' : scope.targetsOthers(detection.normalized, detection.tokens) ? 'harmful' : undefined),
      unrelatedTopic: scope.unrelatedTopic(detection.tokens),
      onPremises: scope.onPremises(detection.tokens),
      decline: scope.decline(detection.normalized, detection.tokens, aboutAws, clean),
      mentionsDomain: scope.mentionsDomain(detection.tokens),
      uncovered: scope.uncoveredService(detection.tokens, detection.serviceHits, subject.services.filter((id) => !detector.isTool(id))),
    };
    return { ctx };
  }

  /** What every answer gets after its intent: refusals with the rule, misconceptions named, calibrated confidence. */
  function finish(ctx: RouteContext, answer: Answer, options: { readings?: boolean } = {}): { answer: Answer; features: Features } {
    const { form } = ctx;

    // A refusal still states what the sources say where the question names a cell: someone
    // tried to dictate the answer, asked for a promise, or asked for help against a control.
    const refusalWithRule = ctx.guard === 'manipulation' || ctx.guard === 'harmful' || ctx.guard === 'secrets' || ctx.decline === 'promise';
    if (answer.intent === 'out_of_scope' && refusalWithRule && ctx.services.length === 1 && ctx.area) {
      const truth = lookupAnswer({ ...ctx, asked: undefined, secondArea: undefined }, ctx.services[0], ctx.area);
      if (truth) {
        // The rule's lead joins the refusal's text; its lists become the answer's own sections.
        answer.aws = truth.aws;
        answer.customer = truth.customer;
        answer.conditions = truth.conditions;
        answer.text = composeText(answer, `${answer.text}\n\nWhat the knowledge base says: ${lowerFirst(leadOfText(truth))}`);
        answer.citations = truth.citations;
        answer.cells = truth.cells;
      }
    }
    // "...so that's covered by AWS, right?": say plainly whether the belief holds.
    if (form.confirmation && form.claimedOwner && (answer.verdict === 'aws' || answer.verdict === 'customer') && answer.intent === 'lookup') {
      const body = answer.text.replace(/^(Yes|No|Partly)\. /, '');
      const party = (o: string) => (o === 'aws' ? 'AWS' : 'you');
      answer.text =
        form.claimedOwner === answer.verdict
          ? `Yes, that's right: this is ${party(answer.verdict) === 'AWS' ? "AWS's job" : 'yours'}. ${body}`
          : `No, that's a common misreading: this is ${answer.verdict === 'aws' ? "AWS's job, not yours" : "yours, not AWS's"}. ${body}`;
    }
    // How the answer was reached becomes the probability that it is right (fitted on the tuning sets).
    const features = confidenceFeatures(ctx, answer);
    if (kb.calibration && answer.verdict !== null) answer.confidence = predictConfidence(kb.calibration, features);
    if (kb.calibration && answer.intent === 'lookup' && answer.confidence < CLARIFY_BELOW) {
      const readings = options.readings === false ? [] : answerReadings(ctx, answer);
      if (readings.length) answer.readings = readings;
      addClarification(ctx, answer);
    }
    return { answer, features };
  }

  return { route, routeReading, routeExplained, search };
}

function isMostlyBinary(text: string): boolean {
  let odd = 0;
  for (const ch of text) if (ch === '\ufffd' || /[\p{Co}\p{Cs}\p{Cn}]/u.test(ch)) odd++;
  return odd / text.length > 0.3;
}
