import { askedParty } from '../engine/guards';
import type { Verdict } from '../engine/types';
import type { Owner } from '../knowledge/types';
import { normalizeText } from '../text/normalize';
import { findClaims, type Claim, type Party } from './claims';
import type { Subject } from './subjects';
import { contentStems, hasPhrase, intersect, isWholeTopic, minus } from './words';

/**
 * Does the model's explanation contradict the verdict? The model may paraphrase freely, and may
 * say what each side does ("AWS patches the host; you patch the guest OS"), but a statement
 * that hands the topic to the wrong party, denies a party its share of a shared cell, or hands
 * one side's listed duty to the other is a contradiction. When a statement is ambiguous and
 * could be read against the verdict, it counts as one: a wrong drop costs a template answer,
 * a wrong pass costs a wrong answer.
 */
export interface Contradiction {
  clause: string;
  subject: string;
  why: string;
}

export interface ContradictionInput {
  text: string;
  verdict: Verdict | null;
  question: string;
  subjects: Subject[];
}

export function findContradiction(input: ContradictionInput): Contradiction | undefined {
  const polarity = polarityContradiction(input);
  if (polarity) return polarity;
  const context = new SubjectContext(input.subjects);
  for (const sentence of sentencesOf(input.text)) {
    for (const clause of clausesOf(sentence)) {
      const claims = findClaims(clause);
      if (!claims.length) continue;
      const { subjects, explicit } = context.attribute(clause, sentence);
      for (const claim of claims) {
        const verdicts = subjects.map((s) => ({ subject: s, why: judge(claim, s, sentence, context) }));
        const against = verdicts.filter((v) => v.why);
        // Named subjects must all agree; an unattributed claim only fails when it fits none of them,
        // unless it leaves no room for the other party ("AWS handles everything").
        const fails = explicit || claim.exclusive ? against.length > 0 : against.length === verdicts.length && verdicts.length > 0;
        if (fails) return { clause: clause.trim(), subject: against[0].subject.label, why: against[0].why! };
      }
    }
  }
  return undefined;
}

/** "Yes"/"No" in front of a yes/no question must match what the verdict answers. */
function polarityContradiction({ text, verdict, question }: ContradictionInput): Contradiction | undefined {
  const asked = askedParty(normalizeText(question));
  const first = sentencesOf(text)[0] ?? '';
  const opener = /^\s*(yes|no|nope|yep|correct|right|partly|partially)\b/i.exec(first)?.[1]?.toLowerCase();
  if (!asked || !opener || !verdict || (verdict !== 'aws' && verdict !== 'customer' && verdict !== 'shared')) return undefined;
  const says = ['yes', 'yep', 'correct', 'right'].includes(opener) ? 'yes' : opener === 'no' || opener === 'nope' ? 'no' : 'partly';
  const expected = verdict === 'shared' ? 'partly' : verdict === asked ? 'yes' : 'no';
  if (says === expected) return undefined;
  if (expected === 'partly' && /\b(partly|partially|in part|shared|share|both)\b/i.test(first)) return undefined;
  return { clause: first.trim(), subject: 'question', why: `answers "${says}" where the verdict means "${expected}"` };
}

export function sentencesOf(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'([])|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Clauses that may each make their own claim: "On EC2 you patch it, while on RDS AWS does". */
export function clausesOf(sentence: string): string[] {
  return sentence
    .split(/;|:|\s[\u2013\u2014-]\s|\u2014|\b(?:while|whereas|but|although|though|however|yet)\b|,?\s\b(?:and|so|or|then)\s+(?=(?:aws|you|the customer|customers)\b)/i)
    .map((c) => c.trim())
    .filter(Boolean);
}

const other = (p: Party): Party => (p === 'aws' ? 'customer' : 'aws');

/** Why the claim contradicts this subject's owner, or undefined when it does not. */
function judge(claim: Claim, subject: Subject, sentence: string, context: SubjectContext): string | undefined {
  const duties = context.duties(subject);
  const object = contentStems(claim.object, context.serviceWords);
  const whole = isWholeTopic(claim.object);
  // The verb counts for the topic when the object is something this cell talks about:
  // "AWS configures your security groups" is about network configuration, "AWS patches the
  // storage servers" is not about the customer's OS.
  const objectInCell = intersect(object, duties.all).size > 0;
  const topic = whole || intersect(object, duties.topic).size > 0 || (objectInCell && intersect(contentStems(claim.verb), duties.topic).size > 0);
  const ownOnly = intersect(object, duties.only[claim.party]);
  const otherOnly = intersect(object, duties.only[other(claim.party)]);
  const owner = subject.owner;

  if (conditionAllows(claim, subject, sentence, context, duties.topic)) return undefined;
  // "AWS is solely responsible for engine patching" is about the whole topic, even if AWS has engine duties.
  const wholeTopicClaim = claim.exclusive && topic;
  if (!whole && !wholeTopicClaim && ownOnly.size > otherOnly.size) {
    // The object is a listed duty of the party named. Affirming it is right; denying it is not.
    return claim.affirms ? undefined : `denies that ${partyName(claim.party)} has a listed duty (${[...ownOnly].join(', ')})`;
  }
  if (!topic) return undefined; // about something else than who owns this cell
  // "You only patch the client hosts": narrowed to something beyond the topic itself.
  if (claim.narrowed && minus(object, duties.topic).size > 0) return undefined;

  const asserted: Party = claim.affirms ? claim.party : other(claim.party);
  switch (owner) {
    case 'aws':
    case 'customer':
      return asserted === owner ? undefined : `says ${partyName(asserted)} where the owner is ${partyName(owner)}`;
    case 'shared':
      if (claim.exclusive) return `says it is ${partyName(asserted)}'s alone where responsibility is shared`;
      if (!claim.affirms) return `denies ${partyName(claim.party)} its share where responsibility is shared`;
      return undefined;
    case 'depends':
      return claim.exclusive && !/\b(if|when|unless|with|where|depending|for)\b/i.test(sentence)
        ? `says ${partyName(asserted)} without condition where it depends`
        : undefined;
  }
}

/** "With RDS Custom, you patch the OS": a sentence that names a condition may state that condition's owner. */
function conditionAllows(claim: Claim, subject: Subject, sentence: string, context: SubjectContext, topic: Set<string>): boolean {
  if (!subject.conditions.length || !/\b(if|when|unless|with|where|for|using|under|once|after)\b/i.test(sentence)) return false;
  // Service names do not count: "RDS" in "RDS Custom" is in every sentence about RDS.
  const words = contentStems(sentence, context.primaryServiceWords);
  const asserted: Party = claim.affirms ? claim.party : other(claim.party);
  return subject.conditions.some((c) => {
    // The shared word must name the situation, not the topic: "OS" is in "Optional OS updates"
    // and in every sentence about OS patching.
    const when = minus(contentStems(c.when, context.primaryServiceWords), topic);
    return intersect(words, when).size > 0 && (c.owner === asserted || c.owner === 'shared');
  });
}

function partyName(p: Owner | Party): string {
  return p === 'aws' ? 'AWS' : p === 'customer' ? 'the customer' : p;
}

interface Duties {
  topic: Set<string>;
  all: Set<string>;
  only: Record<Party, Set<string>>;
}

/** Precomputed word sets for the answer's subjects, and which subjects a clause talks about. */
class SubjectContext {
  /** Words of service names: "EC2 instances" must not make a claim look like it is about the topic. */
  readonly serviceWords: Set<string>;
  /** Words of the services' names and ids only (not their aliases, which hold words like "custom"). */
  readonly primaryServiceWords: Set<string>;
  private readonly cache = new Map<Subject, Duties>();
  private readonly byService: boolean;
  private readonly byArea: boolean;

  constructor(private readonly subjects: Subject[]) {
    this.serviceWords = new Set(subjects.flatMap((s) => s.serviceNames.flatMap((n) => normalizeText(n).split(' '))).concat(['amazon', 'aws', 'instance', 'instances']));
    this.primaryServiceWords = new Set(subjects.flatMap((s) => s.serviceNames.slice(0, 3).flatMap((n) => normalizeText(n).split(' '))).concat(['amazon', 'aws']));
    this.byService = new Set(subjects.map((s) => s.serviceId)).size > 1;
    this.byArea = new Set(subjects.map((s) => s.areaId)).size > 1;
  }


  duties(subject: Subject): Duties {
    let d = this.cache.get(subject);
    if (!d) {
      const aws = contentStems(subject.awsDuties.join(' '), this.serviceWords);
      const customer = contentStems(subject.customerDuties.join(' '), this.serviceWords);
      d = {
        topic: contentStems(subject.areaTitle, this.serviceWords),
        all: new Set([...aws, ...customer]),
        only: { aws: minus(aws, customer), customer: minus(customer, aws) },
      };
      this.cache.set(subject, d);
    }
    return d;
  }

  /** The subjects a clause names (by service or area), else those its sentence names, else all. */
  attribute(clause: string, sentence: string): { subjects: Subject[]; explicit: boolean } {
    if (this.subjects.length === 1) return { subjects: this.subjects, explicit: true };
    for (const text of [clause, sentence]) {
      // "Unlike EC2, RDS ..." names EC2 only to set it apart.
      const scoped = text.replace(/\b(unlike|in contrast to|compared (to|with)|as opposed to|rather than|instead of|except( for)?)\s+[^,;]+/gi, ' ');
      const named = this.subjects.filter((s) => {
        const service = !this.byService || s.serviceNames.some((n) => hasPhrase(scoped, n));
        const area = !this.byArea || s.areaNames.some((n) => hasPhrase(scoped, n));
        const any = (this.byService && s.serviceNames.some((n) => hasPhrase(scoped, n))) || (this.byArea && s.areaNames.some((n) => hasPhrase(scoped, n)));
        return any && service && area;
      });
      if (named.length) return { subjects: named, explicit: true };
      // Only one dimension named (e.g. the service in a multi-area comparison): all its subjects.
      const partial = this.subjects.filter(
        (s) => (this.byService && s.serviceNames.some((n) => hasPhrase(scoped, n))) || (this.byArea && s.areaNames.some((n) => hasPhrase(scoped, n))),
      );
      if (partial.length) return { subjects: partial, explicit: false };
    }
    return { subjects: this.subjects, explicit: false };
  }
}
