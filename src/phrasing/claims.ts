/**
 * Finds statements about who is responsible in one clause of the model's text: "AWS patches
 * it", "you are not responsible for X", "X is handled by AWS", "that is on you", "nothing for
 * you to do". A claim says whether a party does (or does not do) something, and what.
 */

export type Party = 'aws' | 'customer';

export interface Claim {
  party: Party;
  /** False for denials: "AWS does not patch...", "not your job". */
  affirms: boolean;
  /** "solely", "entirely", "everything", "nothing": the claim leaves no room for the other party. */
  exclusive: boolean;
  /** What the party does or owns ("the guest OS"); empty or a pronoun means the topic itself. */
  object: string;
  /** "AWS only patches the host": the party's part is narrowed to the object. */
  narrowed: boolean;
  /** The verb ("patches", "configures"), which also tells what the claim is about. */
  verb: string;
  /** The clause the claim was read from, for logs. */
  clause: string;
}

const MOD =
  '(?:not|never|no|longer|also|still|only|solely|entirely|fully|wholly|completely|always|usually|generally|ultimately|primarily|mainly|largely|directly|automatically|just|typically|alone|exclusively|already|then|therefore|thus|now|do|does|did|will|would|should|must|can|could|may|might|shall|need|needs|have|has|had|to|is|are|be|expected|required|going|yourself|itself|themselves)';
const MODS = (max: number) => `((?:${MOD}\\s+){0,${max}})`;

/** Verbs that say a party does the work; inflections follow the stems. */
const ACTION =
  '(?:handl|manag|patch|updat|upgrad|secur|own|maintain|encrypt|configur|control|protect|rotat|monitor|fix|appl|install|operat|cover|decid|choos|harden|enforc|restrict|audit|classif|perform|implement|defin|replac|renew|remediat|watch|track|check|schedul|vet|pick|select|keep|kept|writ|creat|enabl|disabl|grant|revok|review|test|start|turn(?:s|ed|ing)? on|switch(?:es|ed|ing)? on)\\w*' +
  '|runs?|running|ran|back(?:s|ed|ing)? up|set(?:s|ting)? up|deal(?:s|t|ing)? with|tak(?:e|es|ing|en) care of|look(?:s|ed|ing)? after|tak(?:e|es|ing) (?:on )?responsibility for|worr(?:y|ies|ied|ying) about|do|does|did|doing';
/** Verbs whose plain form denies the party's part: "you can ignore it". */
const RELEASE = '(?:ignor\\w*|forget(?:s|ting)?(?: about)?|skip(?:s|ped|ping)?|leav(?:e|es|ing) (?:it|this|that|them|\\w+) to aws)';
const PARTICIPLE =
  '(?:handled|managed|patched|updated|upgraded|secured|owned|maintained|encrypted|configured|controlled|protected|rotated|monitored|fixed|applied|installed|run|operated|covered|decided|chosen|done|performed|taken care of|looked after|backed up|set up|enforced|hardened|replaced|renewed)';
const RESPONSIBLE = '(?:responsible|accountable|in charge|on the hook|liable|the owner|the party responsible)';
const OWNED_THING = '(?:job|responsibility|responsibilities|duty|duties|task|problem|concern|call|domain|side|hands|court|plate|worry)';
/** Words before a party that make it an object, not a subject: "AWS patches it for you", "lets you choose". */
const NOT_SUBJECT_BEFORE = new Set([
  'for', 'to', 'with', 'from', 'of', 'than', 'let', 'lets', 'help', 'helps', 'allow', 'allows', 'enable', 'enables', 'give', 'gives', 'tell', 'tells',
  'show', 'shows', 'unlike', 'by', 'if', 'whether', 'once', 'after', 'before', 'when', 'whenever', 'unless', 'until', 'ask', 'asks', 'remind', 'reminds',
]);
const EXCLUSIVE = /\b(solely|only by|entirely|fully|wholly|completely|alone|exclusively|all|everything|always|whole|100|nothing|anything)\b/;
const PERMISSION = /\b(can|could|may|might)\b/;
const NEGATION = /\b(not|never|no longer|no need)\b/;

/** Lowercase, contractions expanded, parties reduced to "aws" and "you". */
export function claimText(text: string): string {
  return ` ${text} `
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\b(\w+)n't\b/g, '$1 not')
    .replace(/\b(you|we|they)'re\b/g, '$1 are')
    .replace(/\b(it|that|this|there|what)'s\b/g, '$1 is')
    .replace(/\bamazon web services\b/g, 'aws')
    .replace(/\baws'(s)?\b/g, 'aws s')
    .replace(/\b(the )?(customer|user)s?'s?(?=\s)/g, 'your')
    .replace(/\b(the |a )?(customers?|users?|account owners?|your (team|organi[sz]ation|company))\b/g, 'you')
    .replace(/\byou yourself\b/g, 'you')
    .replace(/\s+/g, ' ');
}

export function findClaims(rawClause: string): Claim[] {
  const clause = claimText(rawClause);
  const claims: Claim[] = [];
  const add = (party: string, affirms: boolean, modifiers: string, object: string, verb = '', at = -1) => {
    const p: Party = party.startsWith('aws') ? 'aws' : 'customer';
    const obj = object.replace(/^\s*(for|of)\s+/, '').trim();
    // "Only AWS patches it" leaves no room for you; "AWS only patches the host" just narrows what AWS does.
    const onlyBefore = at >= 0 && /\bonly\s*$/.test(clause.slice(0, at));
    // "You patch nothing" denies: the object carries the negation.
    const nothing = /^(nothing|none|no)\b/.test(obj);
    const exclusive = onlyBefore || nothing || EXCLUSIVE.test(`${modifiers.replace(/\bonly\b/g, '')} ${obj}`);
    const narrowed = !onlyBefore && /\bonly\b/.test(modifiers);
    claims.push({ party: p, affirms: nothing ? !affirms : affirms, exclusive, narrowed, object: obj, verb, clause: rawClause.trim() });
  };
  const subjectAllowed = (index: number) => {
    const before = clause.slice(0, index).trim().split(' ').pop() ?? '';
    return !NOT_SUBJECT_BEFORE.has(before);
  };

  // "AWS is (not) responsible for X", "you remain accountable"
  for (const m of clause.matchAll(new RegExp(`\\b(aws|you)\\s+${MODS(5)}(?:is|are|remains?|stays?|be|becomes?|was|were)\\s+${MODS(4)}${RESPONSIBLE}\\b([^]*)$`, 'g'))) {
    if (!subjectAllowed(m.index ?? 0)) continue;
    const mods = `${m[2]} ${m[3]}`;
    add(m[1], !NEGATION.test(mods), mods, m[4], '', m.index ?? 0);
  }
  // "AWS (does not) patch X", "you need to rotate X", "you can ignore it"
  for (const m of clause.matchAll(new RegExp(`\\b(aws|you)\\s+${MODS(6)}(${ACTION}|${RELEASE})\\b([^]*)$`, 'g'))) {
    if (!subjectAllowed(m.index ?? 0)) continue;
    const mods = m[2];
    const release = new RegExp(`^${RELEASE}$`).test(m[3]);
    const negated = NEGATION.test(mods);
    // "You can apply updates early" grants a permission; it does not say whose duty it is.
    if (PERMISSION.test(mods) && !negated && !release) continue;
    if (/\bresponsible\b/.test(mods)) continue; // read by the pattern above
    add(m[1], release ? negated : !negated, mods, m[4], m[3], m.index ?? 0);
  }
  // "X is (fully) handled by AWS"
  for (const m of clause.matchAll(new RegExp(`^([^]*?)\\b(?:is|are|was|were|gets?|got|be|been|being|remains?|stays?)\\s+${MODS(4)}${PARTICIPLE}\\s+(?:(?:entirely|fully|solely|only|completely|automatically|always)\\s+)?by\\s+(aws|you)\\b`, 'g'))) {
    add(m[3], !NEGATION.test(m[2]), `${m[2]} ${m[0]}`, m[1]);
  }
  // "X is (not) your job", "that is on you", "the responsibility lies with AWS"
  for (const m of clause.matchAll(
    new RegExp(`^([^]*?)\\b(?:is|are|remains?|stays?|falls?|lies|rests|sits|belongs?)\\s+${MODS(4)}(?:(?:(?:on|with|to|in|up to|down to)\\s+)?(aws s|your|aws)\\s+(?:own\\s+)?${OWNED_THING}|(?:on|with|up to|down to|to)\\s+(aws|you))\\b`, 'g'),
  )) {
    const party = m[3] ?? m[4];
    add(party === 'your' ? 'you' : party, !NEGATION.test(m[2]), `${m[2]} ${m[1]}`, m[1]);
  }
  // "not your problem", "not AWS's job" without a verb in front
  for (const m of clause.matchAll(new RegExp(`^([^]*?)\\bnot (aws s|your)\\s+(?:own\\s+)?${OWNED_THING}\\b`, 'g'))) {
    if (/\b(is|are|remains?|stays?|falls?|lies|rests|sits|belongs?)\s*(\w+\s+){0,4}$/.test(m[1])) continue; // read above
    add(m[2] === 'your' ? 'you' : 'aws', false, m[0], m[1]);
  }
  // "nothing for you to do", "no action is required from you", "out of your hands"
  if (/\b(nothing|no action|no work|no steps?|no effort)\b.*\b(for you|you need|you have|you must|required of you|on your (side|part|end)|from you)\b/.test(clause) || /\bout of your hands\b/.test(clause)) {
    add('you', false, 'nothing', '');
  }
  return claims;
}
