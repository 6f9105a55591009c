import type { Cell, Condition, KnowledgeBase, Owner } from '../../knowledge/types';
import { normalizeText } from '../../text/normalize';
import { answerFromCell, baseAnswer, type OwnerOverride } from '../build';
import { listJoin, lowerFirst } from '../answerText';
import type { Answer } from '../types';
import type { Intent, RouteContext } from './context';
import { conditionsNamed, matchCondition } from '../conditions';
import { askedSide, asksEitherOr, asksWhetherOrWhich } from '../subtask';
import type { Unit } from '../units';

/**
 * The cell that answers (service, area): the service's own cell, or the general rule. When
 * the general rule "depends", a condition that names the service (or its model) decides.
 */
/**
 * Evidence a duty needs to override its cell's own owner: far more than inside a shared cell,
 * since the cell's owner is right for most questions about it (tuned on the tuning sets).
 */
const DEFINITE_UNIT_SCORE = 14;
const DEFINITE_UNIT_MARGIN = 5;
/** Evidence from its object that a duty performing the asked action needs to decide (tuned on the tuning sets). */
const PERFORMER_OBJECT_SCORE = 8;
/**
 * In a cell AWS owns, your duties are the few choices AWS leaves you (the maintenance window, what
 * to turn on): a question that asks who makes one of them needs less evidence (tuned likewise).
 */
const CHOICE_OBJECT_SCORE = 3;
/** How much better a duty must fit a stated shared situation than the other side's duties performing the same action. */
const SITUATION_PERFORMER_MARGIN = 1.5;
/** Evidence a condition's own words need to state the asker's situation without a curated phrase (tuned likewise). */
const CONDITION_WORDS_SCORE = 22;

/**
 * "with default settings", "we never touched it": the asker states being on the defaults (not
 * "is it encrypted by default?", which asks what the default is).
 */
const ON_DEFAULTS = /\b((with|on|at|using|kept|left) (the |all |its |their )?(defaults?|default settings|default config\w*)|defaults? (settings|config\w*)|all defaults|never (touched|changed|configured)|did ?n t (touch|change|configure)|left (it|them|everything|all) (as is|alone)|untouched|stock settings)\b/;
/** The cell's condition that describes its defaults (marked `default: true`), when the question says it is on the defaults. */
function defaultCondition(cell: Cell, normalized: string): Condition | undefined {
  if (!ON_DEFAULTS.test(normalized)) return undefined;
  const defaults = cell.conditions.filter((c) => c.default === true);
  return defaults.length === 1 ? defaults[0] : undefined;
}

export function resolveCell(ctx: RouteContext, serviceId: string, areaId: string): { cell: Cell; override?: OwnerOverride; confidence: number } | undefined {
  // "who patches the hosts our ECS containers run on?": where the service lets you run the hosts
  // yourself, "host" means the instances your workload runs on, not AWS's physical hosts.
  const fallback = ctx.kb.lexicon['area-fallbacks'].find((f) => f.from === areaId);
  if (fallback && !ctx.kb.cell(serviceId, areaId)) {
    const guest = ctx.kb.cell(serviceId, fallback.to);
    if (guest && (guest.owner === 'depends' || guest.owner === 'customer')) return resolveCell(ctx, serviceId, fallback.to);
  }
  const own = ctx.kb.cell(serviceId, areaId);
  if (own && (ctx.compareCue || ctx.twoQuestions)) {
    // "managed node groups vs self-managed nodes": two situations with different owners compared
    // (it depends); "who rotates the ZSK and who rotates the KSK": both asked (shared).
    const named = conditionsNamed(own, ctx.clean);
    if (new Set(named.map((c) => c.owner)).size > 1) {
      const owner: Owner = ctx.compareCue ? 'depends' : 'shared';
      return { cell: own, override: { owner, because: named.map((c) => c.when).join(ctx.compareCue ? ' vs ' : ' and ') }, confidence: 0.85 };
    }
  }
  if (own) {
    // "what's on AWS and what's on us for X": both halves asked, where the cell has both.
    if (ctx.form.split && own.aws.length > 0 && own.customer.length > 0 && !isTrivialSide(own)) {
      return { cell: own, override: { owner: 'shared', because: 'you asked what each side does', reason: true }, confidence: 0.85 };
    }
    const asked = ctx.units.read(ctx.detection.tokens, ctx.negated, own);
    // "who publishes the patched base images?": an action other than the area's own, performed by
    // duties of one side only, with enough of its object in the duty, decides even over a stated
    // situation ("container image functions") or the cell's owner.
    const affirmed = ctx.detection.tokens.filter((_, i) => !ctx.negated.has(i)).join(' ');
    // The area's own action ("who patches…" in a patching cell) is what every duty there does.
    const areaAction = asked.verb !== undefined && ctx.units.areaActions(own.area).has(asked.verb);
    // An action other than the area's own, which a duty may perform on the thing asked about.
    const verb = areaAction ? undefined : asked.verb;
    // The situation its curated phrases state, read once for the rules below. A phrase naming the
    // asked action ("auto renewal" for "who renews it?") is not the situation; the area's own
    // action ("function update mode" in runtime patching) names situations there.
    const statedByPhrase = matchCondition(ctx.kb, own, ctx.clean, verb === undefined ? undefined : (phrase) => ctx.units.phraseNamesAction(phrase, verb));
    if (verb !== undefined && !asksWhetherOrWhich(affirmed)) {
      // A situation stated apart from the thing asked about ("we turned off auto minor version
      // upgrade. who applies minor versions now?") is for the conditions to read, not the
      // duties' objects; a condition that only names the thing itself ("who creates the KSK?") is not.
      const sceneSet = statedByPhrase !== undefined && matchCondition(ctx.kb, own, asked.objectText ?? '') !== statedByPhrase;
      const performer = ctx.units.choose(asked, own, { byVerb: true, byObject: !sceneSet });
      const needed = performer?.unit.side === 'customer' && own.owner === 'aws' ? CHOICE_OBJECT_SCORE : PERFORMER_OBJECT_SCORE;
      if (performer?.verbMatch && performer.objectScore >= needed && performer.unit.side !== own.owner) {
        return { cell: own, override: unitOverride(performer.unit), confidence: 0.8 };
      }
    }
    // The situation stated in the curated phrases, or else in the condition's own words ("we never
    // set up proactive engagement", "only one writer, no replicas") when they clearly point to one.
    const stated = statedByPhrase ?? ctx.units.conditionByWords(asked, own, CONDITION_WORDS_SCORE) ?? defaultCondition(own, ctx.detection.normalized);
    // ...unless the action is the area's own ("who patches the OS on RDS Custom?"), which every duty there does.
    if (stated && stated.owner === 'shared' && !areaAction) {
      // "RDS manages the master password in Secrets Manager; who rotates it?": the situation is
      // shared, the one action asked about is not.
      const performer = ctx.units.performerIn(asked, own, stated, SITUATION_PERFORMER_MARGIN);
      if (performer) return { cell: own, override: { owner: performer.side, because: `${stated.when}: ${lowerFirst(performer.text)}`, duty: true }, confidence: 0.85 };
    }
    if (stated) return { cell: own, override: { owner: stated.owner, because: stated.when }, confidence: 0.9 };
    // Not where "managed by AWS" is the belief put up for confirmation ("AWS patches our EC2
    // instances since they're managed by aws, right?") rather than what the thing is.
    if (own.owner !== 'aws' && own.aws.length > 0 && !ctx.form.confirmation && ctx.units.asksAboutAwsManaged(asked)) {
      return { cell: own, override: { owner: 'aws', because: 'you asked who maintains something AWS provides and manages', reason: true }, confidence: 0.8 };
    }
    // A "depends" cell's conditions exist because who performs its action depends: the verb
    // alone does not decide there, nor in "does AWS do it or do I?".
    // The area's own action ("who patches…" in a patching cell) is what every duty there does.
    const byVerb = own.owner === 'shared' && !asksEitherOr(affirmed) && verb !== undefined;
    const unit = ctx.units.choose(asked, own, { byVerb });
    if (own.owner === 'shared' && ctx.form.confirmation && ctx.form.claimedOwner && !unit) {
      // "Aurora backs it up automatically, so we're covered, right?", "Redshift has no backups
      // unless we script them, correct?": the belief that one side does all of a shared area is
      // corrected by the part the other side does.
      const other: Owner = ctx.form.claimedOwner === 'aws' ? 'customer' : 'aws';
      return { cell: own, override: { owner: other, because: other === 'aws' ? 'AWS does part of this, which the question assumes is yours' : 'part of this is yours, which the question assumes is AWS\'s', reason: true }, confidence: 0.75 };
    }
    if (own.owner === 'shared' || own.owner === 'depends') {
      // "unless we set it up" does not ask who sets it up; "we have to turn it on, correct?" puts
      // up a belief to check, not the side asked about.
      const side = ctx.form.confirmation ? undefined : askedSide(affirmed);
      if (side) return { cell: own, override: { owner: side, because: side === 'aws' ? 'you asked about the part AWS operates' : 'you asked about the part you configure', reason: true }, confidence: 0.8 };
      if (unit) return { cell: own, override: unitOverride(unit.unit), confidence: 0.8 };
    } else if (unit && unit.unit.side !== own.owner && unit.score >= DEFINITE_UNIT_SCORE && unit.score >= unit.runnerUp * DEFINITE_UNIT_MARGIN) {
      // A cell owned by one side can hold a duty of the other ("you pick the maintenance window"
      // in a cell AWS owns): a question plainly about that duty gets its owner.
      return { cell: own, override: unitOverride(unit.unit), confidence: 0.75 };
    }
    return { cell: own, confidence: 0.95 };
  }
  const general = ctx.kb.generalCell(areaId);
  if (!general) return undefined;
  if (general.owner !== 'depends') {
    const stated = matchCondition(ctx.kb, general, ctx.clean);
    if (stated) return { cell: general, override: { owner: stated.owner, because: stated.when }, confidence: 0.8 };
    return { cell: general, confidence: ctx.kb.areas.get(areaId)?.universal ? 0.9 : 0.75 };
  }
  const service = ctx.kb.services.get(serviceId);
  if (!service) return undefined;
  const names = [service.id, service.name.replace(/^(Amazon|AWS)\s+/, ''), ...service.aliases].map((n) => normalizeText(n)).filter((n) => n.length >= 2);
  for (const condition of general.conditions) {
    const when = ` ${normalizeText(condition.when)} `;
    if (names.some((n) => when.includes(` ${n} `))) return { cell: general, override: { owner: condition.owner, because: condition.when }, confidence: 0.8 };
  }
  return { cell: general, confidence: 0.5 };
}


/**
 * Evidence a duty of another of the service's cells needs to answer instead of the cell the
 * area's keywords chose: its own score, its margin over the other side, and over anything in
 * the chosen cell (tuned on the tuning sets and the read blind sets).
 */
const ACROSS_SERVICE = { minScore: 12, margin: 2, overChosen: 3 };

/**
 * The service's duty the question is plainly about when the chosen cell holds nothing like it;
 * not for questions that ask for a split, compare or ask two things, which want the cell.
 */
function dutyElsewhere(ctx: RouteContext, serviceId: string, areaId: string): { cell: Cell; override: OwnerOverride; confidence: number } | undefined {
  const chosen = ctx.kb.cell(serviceId, areaId);
  // A "depends" cell's conditions say which side does its action, not a duty elsewhere.
  if (!chosen || chosen.owner === 'depends' || ctx.form.split || ctx.compareCue || ctx.twoQuestions) return undefined;
  // A tool service named beside the subject ("the ACM cert on our CloudFront distribution: who
  // renews it?") may hold the duty asked about.
  const tools = ctx.detection.serviceHits.map((h) => h.value).filter((id) => id !== serviceId && ctx.kb.lexicon.tools[id] !== undefined);
  const found = ctx.units.acrossService(ctx.detection.tokens, ctx.negated, chosen, ACROSS_SERVICE, tools);
  const cell = found && ctx.kb.cells.get(found.unit.cellId);
  return found && cell ? { cell, override: unitOverride(found.unit), confidence: 0.75 } : undefined;
}

/**
 * Evidence from its object below which a question about an area of a family ("patching") names
 * nothing that tells one member from another (tuned on the tuning sets).
 */
const FAMILY_OBJECT_SCORE = 4;

/**
 * "who is responsible for patching on RDS?", "lambda patching, us or them?": a question that
 * names only what a family of areas has in common, on a service whose cells of that family have
 * different owners, asks about all of them: shared, with each shown. Not when the question
 * states a situation, names a thing one duty holds, or asks for one side.
 */
/** The words that name one member of a family ("os", "kernel", "postgres"), read once per knowledge base. */
const memberWords = new WeakMap<KnowledgeBase, Set<string>>();
function memberWordsOf(kb: KnowledgeBase): Set<string> {
  let words = memberWords.get(kb);
  if (!words) memberWords.set(kb, (words = new Set([...kb.lexicon['os-words'], ...kb.lexicon['engine-words']])));
  return words;
}

function familyAnswer(ctx: RouteContext, serviceId: string, areaId: string): { cell: Cell; override: OwnerOverride; confidence: number; also: Cell[] } | undefined {
  const family = ctx.kb.lexicon['area-families'].find((f) => f.includes(areaId));
  const own = ctx.kb.cell(serviceId, areaId);
  if (!family || !own || ctx.compareCue || ctx.twoQuestions || ctx.form.confirmation || ctx.asked) return undefined;
  const members = family.map((a) => ctx.kb.cell(serviceId, a)).filter((c): c is Cell => c !== undefined);
  if (members.length < 2 || new Set(members.map((c) => c.owner)).size < 2) return undefined;
  // The area comes from the question's own words, not from the conversation ("and for RDS?").
  if (!ctx.detection.areas.some((a) => a.area === areaId)) return undefined;
  // A word naming one member ("OS", "engine", "runtime") picks that member.
  if (ctx.detection.areas.some((a) => a.area !== areaId && family.includes(a.area))) return undefined;
  const named = memberWordsOf(ctx.kb);
  if (ctx.detection.tokens.some((t) => named.has(t))) return undefined;
  if (members.some((c) => matchCondition(ctx.kb, c, ctx.clean) !== undefined)) return undefined;
  const asked = ctx.units.read(ctx.detection.tokens, ctx.negated, own);
  // "who patches the brokers?" asks who performs the action on a thing; "who is responsible for
  // patching?", "patching: us or them?" ask about the area as a whole.
  if (asked.verb !== undefined && !ctx.detection.tokens.some((t) => /ing$/.test(t) && ctx.units.namesAction(t, asked.verb!))) return undefined;
  const specific = members.some((c) => ctx.units.rank(asked, c).some((r) => r.objectScore >= FAMILY_OBJECT_SCORE));
  if (specific) return undefined;
  const kinds = listJoin(members.map((c) => lowerFirst(ctx.kb.areas.get(c.area)?.title ?? c.area)));
  return { cell: own, override: { owner: 'shared', because: `${kinds} have different owners here`, reason: true }, confidence: 0.8, also: members.filter((c) => c.id !== own.id) };
}

export function lookupAnswer(ctx: RouteContext, serviceId: string, areaId: string): Answer | undefined {
  const family = familyAnswer(ctx, serviceId, areaId);
  const resolved = family ?? dutyElsewhere(ctx, serviceId, areaId) ?? resolveCell(ctx, serviceId, areaId);
  if (!resolved) return undefined;
  const also: Cell[] = family ? [...family.also] : [];
  if (!family && ctx.secondArea) {
    const second = resolveCell(ctx, serviceId, ctx.secondArea);
    if (second && second.cell.id !== resolved.cell.id) also.push(second.cell);
  }
  const service = ctx.kb.services.get(serviceId);
  // A two-part question whose parts have different owners ("who patches S3 AND who sets bucket
  // policies?") is answered as shared, with both parts shown.
  const mainOwner = resolved.override?.owner ?? resolved.cell.owner;
  const split = ctx.twoQuestions && also.length > 0 && also.some((c) => c.owner !== mainOwner && c.owner !== 'depends') && mainOwner !== 'depends';
  return answerFromCell(ctx.kb, resolved.cell, {
    ownerOverride: split ? { owner: 'shared', because: 'the parts of your question have different owners', reason: true } : resolved.override,
    confidence: resolved.confidence,
    asked: ctx.asked,
    forService: serviceId,
    also,
    suggestions: followUps(ctx, serviceId, areaId, service?.related ?? []),
  });
}

function followUps(ctx: RouteContext, serviceId: string, areaId: string, related: string[]): string[] {
  const area = lowerFirst(ctx.kb.areas.get(areaId)?.title ?? areaId);
  const name = (id: string) => ctx.kb.services.get(id)?.name ?? id;
  // Follow-ups are questions a person would type (docs/answer-style.md), and route as such.
  const out = related.slice(0, 2).map((r) => `How do ${name(serviceId)} and ${name(r)} compare for ${area}?`);
  out.push(`What am I responsible for with ${name(serviceId)}?`);
  return out;
}

export const lookupIntent: Intent = {
  name: 'lookup',
  matches: (ctx) => ctx.services.length === 1 && ctx.area !== undefined,
  handle: (ctx) =>
    lookupAnswer(ctx, ctx.services[0], ctx.area!) ??
    baseAnswer('not_found', 'unknown', 'Not in the knowledge base', 'The knowledge base has no entry for that yet.'),
};

/** A side whose only duty is "nothing to do" is not a half of the split. */
function isTrivialSide(cell: Cell): boolean {
  const nothing = (lines: string[]) => lines.length === 1 && /^(nothing|none|no action|there is nothing)/i.test(lines[0]);
  return nothing(cell.aws) || nothing(cell.customer);
}

function unitOverride(unit: Unit): { owner: Owner; because: string; duty: true } {
  return { owner: unit.side, because: unit.text, duty: true };
}
