import type { Cell, Condition, KnowledgeBase } from '../knowledge/types';
import { normalizeText } from '../text/normalize';
import type { Vocabulary } from './vocabulary';
import { PhraseIndex } from './phrases';
import { stemToken } from '../text/normalize';
import { VerbReader, objectAfter } from './verbs';
import { negatedPositions } from './negation';

/**
 * Answer units: every duty line of a cell ("AWS: provides a 24x7 response team") is a
 * candidate with an id (conditions are chosen by the situations they state, in conditions.ts). A question that names one action inside a shared area is
 * answered by the unit that performs it, not by the area's "shared".
 *
 * Units are read in the vocabulary's canonical terms and scored by the inverse document
 * frequency of the terms they share with the question (a term found in few units says more
 * than one found in many), so no phrase list per duty is needed.
 */

export type UnitSide = 'aws' | 'customer';

export interface Unit {
  /** `<cell id>#aws.0`, `<cell id>#customer.1` */
  id: string;
  cellId: string;
  kind: 'duty';
  side: UnitSide;
  text: string;
  terms: Set<string>;
  /** The actions the line performs ("Runs, patches and scales…", "…and inspects…"), in canonical terms. */
  verbs: Set<string>;
}

/** A question as the units read it (UnitIndex.read). */
export interface AskedQuestion {
  tokens: string[];
  terms: Set<string>;
  /** The action asked about ("who schedules…" -> choose), when the question names one. */
  verb?: string;
  /** The terms of that action's object ("who generates the key-signing key" -> key signing key). */
  object?: Set<string>;
  /** That object's words as asked. */
  objectText?: string;
}

export interface RankedUnit {
  unit: Unit;
  score: number;
  /** The unit performs the action the question asks about. */
  verbMatch: boolean;
  /** Evidence from the words other than that verb: the object of the action. */
  objectScore: number;
}

export interface UnitChoice {
  unit: Unit;
  score: number;
  /** The best score of a unit on another side, for the margin. */
  runnerUp: number;
  /** Chosen because it performs the action asked about. */
  verbMatch: boolean;
  objectScore: number;
}

/** Across a service's cells, performing the action asked about counts as this much evidence when ranking. */
const VERB_BONUS = 4;
/** Evidence a duty's direct object needs to share with the asked object to decide between sides. */
const MIN_OBJECT_FIT = 4;
/** A unit must share at least this much evidence with the question to decide it. */
export const MIN_UNIT_SCORE = 8;
/** A unit that performs the action asked about needs less evidence from its other words. */
export const MIN_VERB_UNIT_SCORE = 5;
/** ...and beat every unit of another side by this factor. */
export const UNIT_MARGIN = 3;

/** A duty the asker may choose to do ("…if you do not want to wait", "optionally…", "as needed"), not one a side always performs. */
const OPTIONAL = /\b(if you (do not |don t |dont )?(want|need|prefer|wish|choose)|if (needed|required|necessary)|as needed|when needed|optionally|you can|you may)\b/i;
function isOptional(text: string): boolean {
  return OPTIONAL.test(text);
}

export class UnitIndex {
  private readonly byCell = new Map<string, Unit[]>();
  /** Per cell, which of its units (by index) hold each term; built when the cell is first ranked. */
  private readonly unitsByTerm = new Map<string, Map<string, number[]>>();
  private readonly cellsOfService = new Map<string, Cell[]>();
  private readonly directObjects = new Map<string, Set<string>>();
  private readonly affirmed = new WeakMap<Unit, Set<string>>();
  private readonly readings = new WeakMap<string[], { negated: ReadonlySet<number>; asked: Map<string, AskedQuestion> }>();
  private readonly idf = new Map<string, number>();
  private readonly serviceWords = new Map<string, Set<string>>();
  /** Canonical terms of curated condition phrases (the knowledge base's, so a bounded set). */
  private readonly phraseTerms = new Map<string, Set<string>>();

  private readonly awsManaged = new PhraseIndex<true>();
  private readonly providerActions: string[];
  private readonly verbs: VerbReader;
  private readonly areaTerms = new Map<string, Set<string>>();
  private readonly actions = new WeakMap<Unit, Set<string>>();
  private readonly conditionTerms = new WeakMap<Cell, { sets: Set<string>[]; df: Map<string, number> }>();
  /** Term -> the terms that exclude it (`knowledge/lexicon.yaml` antonyms, both ways). */
  private readonly opposites = new Map<string, Set<string>>();

  constructor(kb: KnowledgeBase, private readonly vocabulary: Vocabulary) {
    for (const marker of kb.lexicon['aws-managed-markers']) this.awsManaged.add(normalizeText(marker), true);
    for (const [a, b] of kb.lexicon.antonyms) {
      const [ta, tb] = [vocabulary.terms(a)[0], vocabulary.terms(b)[0]];
      if (!ta || !tb) continue;
      for (const [x, y] of [[ta, tb], [tb, ta]]) (this.opposites.get(x) ?? this.opposites.set(x, new Set()).get(x)!).add(y);
    }
    this.verbs = new VerbReader(vocabulary, new Set(kb.lexicon['light-verbs'].flatMap((v) => vocabulary.terms(v))));
    this.providerActions = kb.lexicon['provider-actions'].map((a) => vocabulary.terms(a)[0]).filter((a): a is string => a !== undefined);
    for (const area of kb.areas.values()) this.areaTerms.set(area.id, new Set(vocabulary.terms(`${area.id.replace(/-/g, ' ')} ${area.title}`)));
    for (const service of kb.services.values()) {
      // The service's own names say nothing about which of its duties is meant.
      const names = [service.id, service.name, ...service.aliases];
      this.serviceWords.set(service.id, new Set(names.flatMap((n) => normalizeText(n).split(' ')).filter((w) => w && w !== 'aws' && w !== 'amazon').map(stemToken)));
    }
    const df = new Map<string, number>();
    let n = 0;
    for (const cell of kb.cells.values()) {
      const skip = this.serviceWords.get(cell.service);
      const units: Unit[] = [];
      const add = (kind: Unit['kind'], side: UnitSide, key: string, text: string) => {
        const terms = new Set(vocabulary.terms(text, skip));
        units.push({ id: `${cell.id}#${key}`, cellId: cell.id, kind, side, text, terms, verbs: this.verbs.leadingVerbs(text) });
        for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
        n++;
      };
      cell.aws.forEach((line, i) => add('duty', 'aws', `aws.${i}`, line));
      cell.customer.forEach((line, i) => add('duty', 'customer', `customer.${i}`, line));
      // Conditions are chosen by the situations they state (conditions.ts); their notes often
      // describe both sides, so they are not duty units.
      this.byCell.set(cell.id, units);
      const ofService = this.cellsOfService.get(cell.service) ?? [];
      ofService.push(cell);
      this.cellsOfService.set(cell.service, ofService);
    }
    for (const [term, count] of df) this.idf.set(term, Math.log(1 + n / count));
    for (const units of this.byCell.values()) for (const unit of units) for (const verb of this.verbs.laterVerbs(unit.text)) unit.verbs.add(verb);
  }

  /**
   * "Who updates the AWS managed rule groups?": the thing asked about is marked as AWS's own and
   * the action is one of maintaining it.
   */
  asksAboutAwsManaged(question: AskedQuestion): boolean {
    return this.providerActions.some((a) => question.terms.has(a)) && this.awsManaged.match(question.tokens).length > 0;
  }

  /** Whether `text` names the action `verb` ("patching" names patch). */
  namesAction(text: string, verb: string): boolean {
    return this.vocabulary.terms(text).includes(verb);
  }

  /**
   * Whether a curated phrase names the action `verb` ("auto renewal" names rotate, the group
   * renew belongs to). The same phrases are asked about on many questions, so each is read once.
   */
  phraseNamesAction(phrase: string, verb: string): boolean {
    let terms = this.phraseTerms.get(phrase);
    if (!terms) this.phraseTerms.set(phrase, (terms = new Set(this.vocabulary.terms(phrase))));
    return terms.has(verb);
  }

  /**
   * The duty qualifies its object the opposite way from the question ("Apply optional OS
   * updates" for "who applies the required ones?"), and does not also say the question's word.
   */
  private contradicts(unit: Unit, question: AskedQuestion): boolean {
    if (this.opposites.size === 0) return false;
    for (const t of question.terms) {
      const opposite = this.opposites.get(t);
      if (opposite && !unit.terms.has(t) && [...opposite].some((o) => unit.terms.has(o))) return true;
    }
    return false;
  }

  /** The actions an area is named for ("OS patching" -> patch), in canonical terms. */
  areaActions(areaId: string): ReadonlySet<string> {
    return this.areaTerms.get(areaId) ?? new Set();
  }

  /** Every action any word of a unit names; read when first needed, since few questions need it. */
  private actionsOf(unit: Unit): Set<string> {
    let actions = this.actions.get(unit);
    if (!actions) this.actions.set(unit, (actions = this.verbs.actionsNamed(unit.text)));
    return actions;
  }

  units(cellId: string): Unit[] {
    return this.byCell.get(cellId) ?? [];
  }

  /**
   * A question read once for one cell: its terms without its negated words and the cell's own
   * service name. `tokens` are the question's normalised words, `negated` their negated positions.
   */
  read(tokens: string[], negated: ReadonlySet<number>, cell: Cell): AskedQuestion {
    // One question is read for several cells of one service (its own cell, the service's other
    // cells, the stated situation): the reading depends only on the service's name.
    let byService = this.readings.get(tokens);
    if (!byService || byService.negated !== negated) this.readings.set(tokens, (byService = { negated, asked: new Map() }));
    const cached = byService.asked.get(cell.service);
    if (cached) return cached;
    const asked = this.readFresh(tokens, negated, cell);
    byService.asked.set(cell.service, asked);
    return asked;
  }

  private readFresh(tokens: string[], negated: ReadonlySet<number>, cell: Cell): AskedQuestion {
    const kept = tokens.filter((_, i) => !negated.has(i));
    const skip = this.serviceWords.get(cell.service);
    const asked = this.verbs.askedVerbAt(kept);
    const objectWords = asked ? objectAfter(kept, asked.at) : [];
    const object = asked ? new Set(this.vocabulary.termsOfTokens(objectWords, skip)) : undefined;
    return { tokens, terms: new Set(this.vocabulary.termsOfTokens(kept, skip)), verb: asked?.verb, object, objectText: objectWords.join(' ') };
  }

  /** `options.noNumbers`: numbers shared with a duty's example ("python3.12") are no evidence of its action. */
  rank(question: AskedQuestion, cell: Cell, options: { noNumbers?: boolean } = {}): RankedUnit[] {
    const asked = question.terms;
    const units = this.units(cell.id);
    const ranked: RankedUnit[] = [];
    // Most units share no word with a question (acrossService ranks every unit of a service):
    // only those that share one are scored, in their order, as before.
    for (const i of this.sharing(cell.id, units, asked)) {
      const unit = units[i];
      let score = 0;
      let objectScore = 0;
      for (const t of unit.terms) {
        if (!asked.has(t) || (options.noNumbers && /^\d+$/.test(t))) continue;
        score += this.idf.get(t) ?? 0;
        if (t !== question.verb) objectScore += this.idf.get(t) ?? 0;
      }
      if (score > 0) ranked.push({ unit, score, objectScore, verbMatch: question.verb !== undefined && unit.verbs.has(question.verb) && !this.contradicts(unit, question) });
    }
    return ranked.sort((a, b) => b.score - a.score);
  }

  /** The indices, in order, of a cell's units that share a term with `asked`. */
  private sharing(cellId: string, units: Unit[], asked: ReadonlySet<string>): number[] {
    let byTerm = this.unitsByTerm.get(cellId);
    if (!byTerm) {
      byTerm = new Map();
      units.forEach((unit, i) => {
        for (const t of unit.terms) {
          const list = byTerm!.get(t);
          if (list) list.push(i);
          else byTerm!.set(t, [i]);
        }
      });
      this.unitsByTerm.set(cellId, byTerm);
    }
    const found: number[] = [];
    for (const t of asked) {
      const list = byTerm.get(t);
      if (list) for (const i of list) found.push(i);
    }
    if (found.length < 2) return found;
    found.sort((a, b) => a - b);
    let kept = 1;
    for (let k = 1; k < found.length; k++) if (found[k] !== found[kept - 1]) found[kept++] = found[k];
    found.length = kept;
    return found;
  }

  /**
   * The condition of a cell whose own words (its situation and phrases, read in the vocabulary's
   * terms) the question shares most, weighted by how few of the cell's conditions use each word;
   * none unless it clearly beats the others. For situations stated in words the curated phrases
   * do not hold.
   */
  conditionByWords(question: AskedQuestion, cell: Cell, minScore: number): Condition | undefined {
    if (cell.conditions.length === 0) return undefined;
    const { sets, df } = this.conditionTermsOf(cell);
    const n = sets.length;
    const scored = sets
      .map((set, i) => {
        let score = 0;
        for (const t of set) if (question.terms.has(t)) score += Math.log(1 + n / (df.get(t) ?? 1)) * (this.idf.get(t) ?? 1);
        return { condition: cell.conditions[i], score };
      })
      .sort((a, b) => b.score - a.score);
    const [best, second] = scored;
    if (!best || best.score < minScore || (second && best.score < second.score * 2)) return undefined;
    return best.condition;
  }

  /**
   * Inside a stated situation that is shared as a whole ("RDS manages the master password in
   * Secrets Manager"), the duty performing the action asked about ("who rotates it?") that fits
   * that situation best, if it clearly fits better than any duty of the other side performing
   * the same action. Fit is the weight of the situation's words a duty shares.
   */
  performerIn(question: AskedQuestion, cell: Cell, condition: Condition, margin: number): Unit | undefined {
    if (question.verb === undefined) return undefined;
    const index = cell.conditions.indexOf(condition);
    const situation = index >= 0 ? this.conditionTermsOf(cell).sets[index] : undefined;
    if (!situation) return undefined;
    const fit = (unit: Unit) => {
      let score = 0;
      for (const t of this.affirmedTermsOf(unit, cell)) if (t !== question.verb && situation.has(t)) score += this.idf.get(t) ?? 0;
      return score;
    };
    // "Apply a scheduled update now if you do not want to wait": a choice the asker may make does
    // not compete with the side that performs the action in that situation.
    const doing = this.units(cell.id).filter((u) => u.verbs.has(question.verb!) && !this.contradicts(u, question));
    const required = doing.filter((u) => !isOptional(u.text));
    const performing = (required.length > 0 ? required : doing)
      .map((unit) => ({ unit, fit: fit(unit) }))
      .sort((a, b) => b.fit - a.fit);
    const best = performing[0];
    if (!best || best.fit === 0) return undefined;
    const other = performing.find((p) => p.unit.side !== best.unit.side)?.fit ?? 0;
    return best.fit >= other * margin ? best.unit : undefined;
  }

  /**
   * A duty's terms outside its negations ("Rotate the master password yourself unless RDS manages
   * it" does not say "RDS manages it"), read when first needed.
   */
  private affirmedTermsOf(unit: Unit, cell: Cell): Set<string> {
    let terms = this.affirmed.get(unit);
    if (!terms) {
      const tokens = normalizeText(unit.text).split(' ');
      const negated = negatedPositions(tokens);
      terms = new Set(this.vocabulary.termsOfTokens(tokens.filter((_, i) => !negated.has(i)), this.serviceWords.get(cell.service)));
      this.affirmed.set(unit, terms);
    }
    return terms;
  }

  /** Each condition's terms and how many of the cell's conditions use each, read once per cell (few questions need them). */
  private conditionTermsOf(cell: Cell): { sets: Set<string>[]; df: Map<string, number> } {
    let cached = this.conditionTerms.get(cell);
    if (!cached) {
      const skip = this.serviceWords.get(cell.service);
      const sets = cell.conditions.map((c) => new Set(this.vocabulary.terms(`${c.when} ${c.phrases.join(' ')}`, skip)));
      const df = new Map<string, number>();
      for (const set of sets) for (const t of set) df.set(t, (df.get(t) ?? 0) + 1);
      this.conditionTerms.set(cell, (cached = { sets, df }));
    }
    return cached;
  }

  /**
   * The duty of another of the service's cells that the question is plainly about, where the
   * cell its keywords chose holds nothing like it ("EBS volume data replication inside the AZ",
   * read as backups, is what the availability cell's first AWS duty does). A unit that performs
   * the action asked about ranks first among equals. Undefined unless the best unit is in
   * another cell, has `minScore` of evidence, beats every unit of the other side by `margin`
   * and everything in the chosen cell by `overChosen`.
   */
  acrossService(tokens: string[], negated: ReadonlySet<number>, chosen: Cell, limits: { minScore: number; margin: number; overChosen: number }, alsoNamed: readonly string[] = []): UnitChoice | undefined {
    const ranked: RankedUnit[] = [];
    for (const service of new Set([chosen.service, ...alsoNamed])) {
      const cells = this.cellsOfService.get(service) ?? [];
      // Each service's own name is left out of its duties' evidence.
      const question = cells[0] ? this.read(tokens, negated, cells[0]) : undefined;
      for (const cell of question ? cells : []) ranked.push(...this.rank(question!, cell, { noNumbers: true }));
    }
    if (ranked.length === 0) return undefined;
    const key = (r: RankedUnit) => r.score + (r.verbMatch ? VERB_BONUS : 0);
    ranked.sort((a, b) => key(b) - key(a));
    const best = ranked[0];
    if (best.unit.cellId === chosen.id || best.score < limits.minScore) return undefined;
    // A question that names an action is about a unit that performs it, not one that only shares its object.
    if (this.read(tokens, negated, chosen).verb !== undefined && !best.verbMatch) return undefined;
    const runnerUp = ranked.find((r) => r.unit.side !== best.unit.side)?.score ?? 0;
    const inChosen = ranked.find((r) => r.unit.cellId === chosen.id)?.score ?? 0;
    if (best.score < runnerUp * limits.margin || best.score < inChosen * limits.overChosen) return undefined;
    return { unit: best.unit, score: best.score, runnerUp, verbMatch: best.verbMatch, objectScore: best.objectScore };
  }

  /** A performing unit whose direct object clearly matches the asked object better than any duty of the other side. */
  private byDirectObject(question: AskedQuestion, performing: RankedUnit[]): UnitChoice | undefined {
    if (!question.object || question.object.size === 0 || question.verb === undefined) return undefined;
    const scored = performing
      .map((r) => {
        let fit = 0;
        for (const t of this.directObjectOf(r.unit, question.verb!)) if (question.object!.has(t)) fit += this.idf.get(t) ?? 0;
        return { r, fit };
      })
      .sort((a, b) => b.fit - a.fit);
    const best = scored[0];
    if (!best || best.fit < MIN_OBJECT_FIT) return undefined;
    const other = scored.find((x) => x.r.unit.side !== best.r.unit.side)?.fit ?? 0;
    if (best.fit < other * UNIT_MARGIN) return undefined;
    return { unit: best.r.unit, score: best.r.score, runnerUp: other, verbMatch: true, objectScore: best.fit };
  }

  /** The object of the duty's verb that performs `verb`, in canonical terms (read when first needed). */
  private directObjectOf(unit: Unit, verb: string): Set<string> {
    const key = `${unit.id}|${verb}`;
    let cached = this.directObjects.get(key);
    if (!cached) {
      const tokens = normalizeText(unit.text).split(' ');
      const at = tokens.findIndex((t) => this.vocabulary.terms(t)[0] === verb);
      cached = new Set(at >= 0 ? this.vocabulary.termsOfTokens(objectAfter(tokens, at), this.serviceWords.get(unit.cellId.split('.')[0])) : []);
      this.directObjects.set(key, cached);
    }
    return cached;
  }

  /**
   * The unit a question about one action in a shared or "depends" cell is about: the best unit,
   * if it has enough evidence and clearly beats every unit whose owner differs.
   */
  choose(question: AskedQuestion, cell: Cell, options: { byVerb?: boolean; byObject?: boolean } = {}): UnitChoice | undefined {
    const ranked = this.rank(question, cell);
    // "who schedules the maintenance window?": among the duties that perform the action asked
    // about and share its object, the best decides; duties that only mention the object do not.
    const performing = ranked.filter((r) => r.verbMatch).sort((a, b) => b.score - a.score);
    // Where duties of both sides name the action ("applies updates" / "can apply updates"), the verb does not separate them.
    const sides = new Set(this.units(cell.id).filter((u) => question.verb !== undefined && (u.verbs.has(question.verb) || this.actionsOf(u).has(question.verb)) && !this.contradicts(u, question)).map((u) => u.side));
    if (options.byVerb && options.byObject !== false && performing.length > 0 && sides.size > 1) {
      // "Creates the KSK from your KMS key" / "Create a KMS key for each KSK": where both sides
      // perform the action, the duty whose own object is the one asked about decides.
      const byObject = this.byDirectObject(question, performing);
      if (byObject) return byObject;
    }
    if (options.byVerb && performing.length > 0 && sides.size === 1) {
      const best = performing[0];
      const runnerUp = performing.find((r) => r.unit.side !== best.unit.side)?.score ?? 0;
      if (best.score >= MIN_VERB_UNIT_SCORE && best.score >= runnerUp * UNIT_MARGIN) return { unit: best.unit, score: best.score, runnerUp, verbMatch: true, objectScore: best.objectScore };
    }
    const best = ranked[0];
    if (!best || best.score < MIN_UNIT_SCORE) return undefined;
    const runnerUp = ranked.find((r) => r.unit.side !== best.unit.side)?.score ?? 0;
    if (best.score < runnerUp * UNIT_MARGIN) return undefined;
    return { unit: best.unit, score: best.score, runnerUp, verbMatch: false, objectScore: best.objectScore };
  }
}
