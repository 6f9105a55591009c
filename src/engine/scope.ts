import type { KnowledgeBase, UncoveredService } from '../knowledge/types';
import { normalizeText, stemToken } from '../text/normalize';
import { gappedPhraseEnd, PhraseIndex, type PhraseHit } from './phrases';
import { isEnglish } from './spelling';

/**
 * Whether a message is a question this bot should answer at all, read from its form and from
 * the words in `knowledge/scope.yaml` and `knowledge/catalogue.yaml`:
 * - a task ("write me a terraform module"), a sum or a request for financial advice is out of
 *   scope, and is not a gap in the knowledge base;
 * - details of AWS facilities and promises on AWS's behalf are declined, with the rule stated;
 * - an AWS service the matrix does not cover is named as such (and logged as a gap).
 */

export type Decline = 'task' | 'arithmetic' | 'finance' | 'facility_details' | 'promise' | 'legal_review';

/** Words that ask who owns something: a message with one of these is a question, not a task. */
const OWNERSHIP_CUE = /\b(who|whose|whom|responsib\w*|on me|on us|my job|our job|my problem|our problem|aws or (me|us|we|i)|(me|us|we|i) or aws|do (i|we) (need|have) to|should (i|we)|must (i|we)|is (it|that|this) on)\b/;

/** The message asks who owns something ("who sets…", "is that on us?"). */
export function asksWhoOwns(normalized: string): boolean {
  return OWNERSHIP_CUE.test(normalized);
}

/** Openers before an imperative: "hey, can you please write ...". */
const POLITE_OPENER = /^((hey|hi|hello|yo|ok|okay|so|pls|please|plz|quick one|quick q)\s+)*((can|could|would|will) (you|u|ya)\s+|(i need|i want|i d like) you to\s+|(help me|pls|please)\s+)*(please\s+|pls\s+|quickly\s+|just\s+)*/;

/** "2.4 TB growing 17% a month, how big after 6 months?": a sum, whatever it is about. */
const GROWTH_SUM = /\b(how (big|much|many|large|long)|what will .{0,20} be)\b.{0,40}\b(after|in|within) \d+\b|\b(grows?|growing|increases?|increasing|shrinks?) (by )?\d+ (percent |pct )?(per|a|each|every) (month|year|week|day)\b/;

const ARITHMETIC = /\b\d+(\.\d+)?\s*(\+|plus|minus|times|x|multiplied by|divided by|over|to the power of|squared)\s*\d+|\b(square root|sqrt|factorial|percent of|derivative|integral|quick math|do the math)\b/;

/** Asked for a sum in so many words, whatever it is about ("quick math: 2,340 instance-hours at $0.19"). */
const EXPLICIT_SUM = /\b(quick math|do the math|math question|calculate (the|how|what|my|our)|work out how much)\b/;

/** "what's 17.5% of 2340": read on the text before normalisation, which drops the percent sign. */
const PERCENT_OF = /\d\s?%\s+of\s+(the\s+)?(\$|€|£)?\s?(\d|total|bill|invoice|cost|spend)/i;

const TROUBLESHOOTING = /\bhow (do|can|should|would) (i|we|you) (fix|solve|resolve|debug|troubleshoot|get rid of|get past)\b|\b(pls|please|can you|could you|help me) (fix|debug|troubleshoot)\b/;

/** How many words after an uncovered service's name an everyday word still belongs to it. */
const EVERYDAY_WINDOW = 4;

/** The words that open the clause a message asks its question in. */
const ASKING_WORD = /^(who|whose|whom|responsible|responsibility)$/;

/** Where the message's last question clause starts ("...on EC2. Who secures the SWF side?"), if it has one. */
function askingClauseStart(tokens: string[]): number {
  let at = -1;
  tokens.forEach((t, i) => { if (ASKING_WORD.test(t)) at = i; });
  return at;
}

export class ScopeReader {
  private readonly taskVerbs: PhraseIndex<true>;
  private readonly taskObjects: PhraseIndex<true>;
  private readonly textTasks: PhraseIndex<true>;
  private readonly circumvention: PhraseIndex<true>;
  private readonly foreignOwners: PhraseIndex<true>;
  private readonly stealth: PhraseIndex<true>;
  private readonly unauthorized: PhraseIndex<true>;
  private readonly otherClouds: PhraseIndex<true>;
  private readonly onPremisesWords: PhraseIndex<true>;
  private readonly unrelatedTopics: PhraseIndex<true>;
  private readonly finance: PhraseIndex<true>;
  private readonly facilityWords: PhraseIndex<true>;
  private readonly facilityDetails: PhraseIndex<true>;
  /** The facility-detail phrases of two or more words, as word lists, for reading them with words between. */
  private readonly facilityDetailWords: string[][];
  private readonly promises: PhraseIndex<true>;
  private readonly legalDocuments: PhraseIndex<true>;
  private readonly domainWords: PhraseIndex<true>;
  private readonly uncovered = new PhraseIndex<UncoveredService>();
  private readonly weakAliases: ReadonlySet<string>;

  constructor(kb: KnowledgeBase) {
    const s = kb.scope;
    this.taskVerbs = phrases(s['task-verbs']);
    this.taskObjects = phrases(s['task-objects']);
    this.textTasks = phrases(s['text-tasks']);
    this.circumvention = phrases(s.circumvention);
    this.foreignOwners = phrases(s['foreign-owners']);
    this.stealth = phrases(s.stealth);
    this.unauthorized = phrases(s.unauthorized);
    this.otherClouds = phrases(s['other-clouds']);
    this.onPremisesWords = phrases(s['on-premises']);
    this.unrelatedTopics = phrases(s['unrelated-topics']);
    this.finance = phrases(s['finance-words']);
    this.facilityWords = phrases(s['facility-words']);
    this.facilityDetails = phrases(s['facility-details']);
    this.facilityDetailWords = s['facility-details'].map((p) => normalizeText(p).split(' ').map(stemToken)).filter((w) => w.length > 1);
    this.promises = phrases(s['promise-words']);
    this.legalDocuments = phrases(s['legal-documents']);
    this.domainWords = phrases(s['domain-words']);
    this.weakAliases = new Set(kb.lexicon['weak-aliases'].map((a) => normalizeText(a)));
    for (const entry of kb.uncovered) for (const name of [entry.name, ...entry.aliases]) this.uncovered.add(normalizeText(name), entry);
  }

  /**
   * Why the message is declined or out of scope, if it is. `tokens` are its normalised words;
   * `aboutAws` is true when it names a service, an area or a concept of the knowledge base;
   * `clean` is the message before normalisation (which drops "%").
   */
  decline(normalized: string, tokens: string[], aboutAws: boolean, clean: string): Decline | undefined {
    const asksWho = OWNERSHIP_CUE.test(normalized);
    if (this.asksFacilityDetail(tokens) && this.facilityWords.match(tokens).length > 0) {
      // "who handles physical security of the data center?" asks who; "what's the address of the data center?" asks for a detail.
      const detailAsked = !/\bwho (s |is )?(handles|owns|responsible for|is responsible for|secures|protects|guards)\b/.test(normalized);
      if (detailAsked) return 'facility_details';
    }
    if (this.isPromiseRequest(normalized, tokens)) return 'promise';
    if (this.isLegalReview(normalized, tokens)) return 'legal_review';
    if (!asksWho && ((ARITHMETIC.test(normalized) && !aboutAws) || GROWTH_SUM.test(normalized) || EXPLICIT_SUM.test(normalized) || PERCENT_OF.test(clean))) return 'arithmetic';
    if (!asksWho && this.finance.match(tokens).length > 0) return 'finance';
    if (!asksWho && this.isTask(normalized, aboutAws)) return 'task';
    // "getting this error after switching clusters, how do i fix it?": a support request.
    if (!asksWho && TROUBLESHOOTING.test(normalized) && /\b(error|errors|exception|failed|fails|failing|denied|refused|timeout|timed out|not working|doesnt work|broken)\b/.test(normalized)) return 'task';
    return undefined;
  }

  /**
   * A detail of a facility asked for, in the list's words or with a few words between them
   * ("how many security guards", "which camera models", "guards change shifts" read as "how many
   * guards", "which models", "guard shifts"), word forms aside.
   */
  private asksFacilityDetail(tokens: string[]): boolean {
    if (this.facilityDetails.match(tokens).length > 0) return true;
    const stems = tokens.map(stemToken);
    return this.facilityDetailWords.some((words) => gappedPhraseEnd(stems, words, DETAIL_GAP) >= 0);
  }

  /**
   * "how do I get around their bucket policy", "quietly turn off GuardDuty so they don't see":
   * a way around a control aimed at what is someone else's, or meant not to be noticed.
   */
  targetsOthers(normalized: string, tokens: string[]): boolean {
    const ways = this.circumvention.match(tokens);
    if (ways.length === 0) return false;
    if (this.stealth.match(tokens).length > 0) return true;
    // "who turns off GuardDuty in a partner's account when the contract ends?" asks who owns a duty.
    if (OWNERSHIP_CUE.test(normalized)) return false;
    // "a rival studio left a bucket open … how do i get around their policy": the owner may be
    // named before the way around, in the same message.
    return this.foreignOwners.match(tokens).length > 0 || this.unauthorized.match(tokens).length > 0;
  }

  /** Another cloud or a SaaS vendor is named ("azure", "gke", "snowflake"). */
  otherCloud(tokens: string[], namesAwsService = false): boolean {
    const hits = this.otherClouds.match(tokens);
    // "app runner: scaling, is that us? (coming from heroku)": with an AWS service named, another
    // cloud introduced as the origin or the comparison is the asker's background, not the subject.
    if (namesAwsService) return hits.some((h) => !/^(from|like|unlike|than|vs|versus|to)$/.test(tokens[h.start - 1] ?? ''));
    return hits.length > 0;
  }

  /** Infrastructure that is not AWS is named ("on prem", "vmware", "our own servers"). */
  onPremises(tokens: string[]): boolean {
    return this.onPremisesWords.match(tokens).length > 0;
  }

  /** A chit-chat topic is named ("weather", "pizza", "who won"), or an on-premises word. */
  unrelatedTopic(tokens: string[]): boolean {
    return this.unrelatedTopics.match(tokens).length > 0 || this.onPremises(tokens);
  }

  /** A word about cloud security that names no service, area or concept ("is this secure on aws?"). */
  mentionsDomain(tokens: string[]): boolean {
    return this.domainWords.match(tokens).length > 0;
  }

  /** "is our DPA GDPR compliant as written?": a review of the asker's own document, for their lawyers. */
  private isLegalReview(normalized: string, tokens: string[]): boolean {
    if (this.legalDocuments.match(tokens).length === 0) return false;
    return /\b(our|my|this|the attached|attached)\b.{0,30}\b(compliant|legal|lawful|enforceable|ok|okay|valid|sufficient|enough|good enough|as written)\b|\b(review|check|approve|redline)\b.{0,20}\b(our|my|this)\b/.test(normalized);
  }

  /** "write a python script that...", "can you generate a bucket policy": asked to produce something. */
  private isTask(normalized: string, aboutAws: boolean): boolean {
    const rest = normalized.replace(POLITE_OPENER, '');
    const tokens = rest.split(' ').filter(Boolean);
    const opening = tokens.slice(0, 3);
    // "summarise AWS's part and our part in X" asks for the split, which the bot gives.
    if (this.textTasks.match(opening).some((h) => h.start === 0)) return !(aboutAws && /\b(part|parts|responsibilit\w*|who|split|duties)\b/.test(rest));
    // "regex for gamertags: …", "a bash one-liner that lists …": the thing to produce, asked for by name.
    // The object may carry a word or two of its own ("a bash one liner to…", "a python script that…").
    const named = this.taskObjects.match(opening).find((h) => h.start <= 1 && (h.start === 0 || /^(a|an|the|some)$/.test(tokens[0])));
    const after = named ? tokens.slice(named.start + named.length, named.start + named.length + 3) : [];
    if (named && after.some((t) => /^(for|to|that|which|so)$/.test(t))) return true;
    const verbs = this.taskVerbs.match(opening);
    if (verbs.length === 0 || verbs[0].start !== 0) return false;
    // "explain the shared responsibility model" asks for an explanation the bot gives; a task
    // names what it wants produced, or has nothing of AWS in it ("convert this cron to UTC").
    return this.taskObjects.match(tokens).length > 0 || !aboutAws;
  }

  /** Legal, financial or compliance commitments on AWS's behalf. */
  private isPromiseRequest(normalized: string, tokens: string[]): boolean {
    const hits = this.promises.match(tokens);
    if (hits.length === 0) return false;
    // Asked of the bot ("can you guarantee", "put it in writing"), or of AWS's liability.
    if (/\b(can|could|will|would) you\b.{0,40}\b(guarantee|promise|certify|attest|confirm in writing|sign off|put (it|that|this) in writing|warrant)\b/.test(normalized)) return true;
    if (/\b(in writing|legally binding|legal opinion|indemnif\w*|lawsuit|sue|contractually|on (aws|amazon) behalf|on behalf of (aws|amazon))\b/.test(normalized)) return true;
    if (/\b(aws|amazon)\b.{0,40}\b(liable|liability|compensate|reimburse|pay for our|pay us|pay the fine|pay our)\b|\b(liable|liability)\b.{0,40}\b(aws|amazon)\b/.test(normalized)) return true;
    return /\b(guarantee|promise)\b.{0,12}\b(we|us|our|me|i)\b.{0,30}\b(pass|compliant|certified|safe|secure|never|won t|wont|will not|be fine|are fine|covered)\b/.test(normalized);
  }

  /**
   * An AWS service the matrix does not cover, when the message names one as its subject: not
   * when a covered service's own (longer) name contains it, and not when a covered service is
   * named as well (the covered one is then the subject). `serviceHits` are the detector's.
   */
  uncoveredService(tokens: string[], serviceHits: PhraseHit<string>[], coveredSubjects: string[]): UncoveredService | undefined {
    const hits = this.uncovered.match(tokens);
    if (hits.length === 0) return undefined;
    // "gamelift fleet servers", "mediaconvert output bucket": a generic word that can also name a
    // covered service ("server", "bucket") does not compete with a service named by its name.
    const covered = serviceHits.filter((h) => !h.fuzzy && !this.weakAliases.has(h.phrase));
    const longer = (h: PhraseHit<UncoveredService>) => covered.some((c) => c.length > h.length && c.start <= h.start && c.start + c.length >= h.start + h.length);
    const kept = hits.filter((h) => !longer(h));
    if (kept.length === 0) return undefined;
    // Covered services whose names the uncovered one swallowed ("kinesis video streams") do not count.
    const inside = (c: PhraseHit<string>) => kept.some((h) => h.length > c.length && h.start <= c.start && h.start + h.length >= c.start + c.length);
    // "Amazon Managed Grafana workspace", "CodePipeline ... the artifact store": an everyday word
    // that is also a covered service's alias, right after the uncovered service's name, is a thing
    // of that service, not the other service.
    const everydayAfter = (c: PhraseHit<string>) =>
      c.length === 1 && isEnglish(c.phrase) && kept.some((h) => c.start >= h.start + h.length && c.start <= h.start + h.length + EVERYDAY_WINDOW);
    const others = covered.filter((c) => !inside(c) && coveredSubjects.includes(c.value) && !everydayAfter(c));
    if (others.length === 0) return kept[0].value;
    // "Our workers run on EC2. Who secures the SWF side of it?": a covered service named only as
    // background does not take the question from the uncovered service its question names.
    const asking = askingClauseStart(tokens);
    if (asking < 0) return undefined;
    const asked = kept.filter((h) => h.start > asking);
    return asked.length > 0 && !others.some((c) => c.start > asking) ? asked[0].value : undefined;
  }
}

/** How many other words may stand between two words of a facility-detail phrase. */
const DETAIL_GAP = 2;

function phrases(list: string[]): PhraseIndex<true> {
  const index = new PhraseIndex<true>();
  for (const phrase of list) {
    const n = normalizeText(phrase);
    if (n) index.add(n, true);
  }
  return index;
}
