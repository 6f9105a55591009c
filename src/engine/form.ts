/**
 * The form of a question, apart from its topic: does it ask who does one thing, for the split
 * between both sides, or for confirmation of a belief? Read from the grammar of the question
 * (normalised text), never from service or area words, so it holds for any topic.
 */

export interface QuestionForm {
  /** Asks for both halves: "what's on AWS vs on us", "who does what", "break it down". */
  split: boolean;
  /** States a belief and asks for confirmation: "..., right?", "so we don't need to..., correct?". */
  confirmation: boolean;
  /** Which side the stated belief gives the job to, when it says. */
  claimedOwner?: 'aws' | 'customer';
}

const AWS = '(aws|amazon|amazons|they|them|the provider|the cloud provider)';
const US = '(us|we|me|i|ours|mine|our side|my side|our team|the customer|customers)';

const SPLIT = new RegExp(
  [
    `\\b(whats|what is|what does|what do) (on )?${AWS}\\b.{0,60}\\b(and|vs|versus|v|or|while|whereas) (whats|what is|what do|what does|what are|what remains|what stays)\\b`,
    `\\b(whats|what is|what are|what do|what does|what must|what should) (on )?${US}\\b.{0,60}\\b(and|vs|versus|v|or|while|whereas) (whats|what is|what do|what does|what are)\\b`,
    `\\b(our|my|the customer|customer) (part|side|share|bit|half)\\b.{0,20}\\b(vs|versus|v|and|or)\\b.{0,20}\\b(aws|amazon|their|the aws)\\b`,
    `\\b(aws|amazon|their) (part|side|share|bit|half)\\b.{0,20}\\b(vs|versus|v|and|or)\\b.{0,20}\\b(our|my|the customer|customer)\\b`,
    `\\bwhich (parts?|bits?|pieces?|pieces|layers?|ones?|items?) (are|is|belong to|fall on|sit with) ${AWS}\\b.{0,40}\\bwhich\\b`,
    `\\bwhich (parts?|bits?|pieces?|layers?|ones?) (are|is|belong to|fall on|sit with) ${US}\\b.{0,40}\\bwhich\\b`,
    `\\b(on|for|by) ${AWS} (vs|versus|v|and) (on |for |by )?${US}\\b`,
    `\\b(on|for|by) ${US} (vs|versus|v) (on |for |by )?${AWS}\\b`,
    `\\bon ${US} vs\\b.{0,30}\\b(covered|handled|done|owned) by ${AWS}\\b`,
    '\\bwho (does|secures|owns|handles|covers|is responsible for|manages|patches|protects) what\\b',
    '\\b(the split|split (it|this|that|of|between|for)|breakdown|break down|break it down|broken down|divided between|division of (labor|labour|responsibilit\\w*)|demarcation)\\b',
    '\\b(both (halves|parts|sides)|each side|two parts|both of us)\\b',
    `\\bwhat does ${AWS} (do|protect|handle|cover|secure|manage|own|take care of)\\b.{0,60}\\bwhat (do|must|should|have) ${US}\\b`,
  ].join('|'),
);

/** A belief put up for confirmation: a trailing tag, or an opener that states what one assumes. */
const CONFIRMATION = /\b(right|correct|yes|yeah|yep|no|ok|true|isnt it|is it not|arent they|dont we|do we not|confirm|agreed|innit|amirite)\s*$|\b(right|correct)\s+(so|then)\b|^(so|i assume|i think|i believe|i thought|pretty sure|im pretty sure|if i understood|my understanding is|as i understand|we assume|we think|i heard|someone told me)\b/;

const CLAIM_AWS = /\b(aws|amazon)\b.{0,30}\b(handles?|does|patch\w*|covers?|takes? care|is responsible|owns?|manages?|backs? up|encrypts?|rotates?|does it|automatically)\b|\b(covered|handled|done|managed|taken care of|patched|encrypted|backed up) by (aws|amazon)\b|\b(we|i) (dont|do not|never) (need|have|got) to\b|\bnothing (for )?(us|me|we|i) to do\b|\b(automatic|automatically|by default|out of the box|just happens?)\b/;
const CLAIM_US = /\b(we|i) (have|need|got|must) to\b|\b(is|its|thats) (on )?(us|me|ours|mine)\b|\b(our|my) (job|responsibility|problem)\b|\bunless (we|i)\b/;

/**
 * A belief put up for confirmation in the middle of a message: "…, right? just want to confirm
 * before I tell the auditor", "can you confirm that…". Read on the text with its punctuation.
 */
const TAG_THEN_MORE = /\b(right|correct|true|yes|no)\s*\?\s*\S/i;
const ASKS_TO_CONFIRM = /\b((want|wanted|need|needed|trying|like) to (confirm|double check|verify|sanity check)|(can|could) (you|someone|anyone|u) (confirm|verify|double check))\b/;

/** Words that point at the asker's side or at AWS's, inside a "what/which" clause. */
const US_WORDS = new Set(['us', 'we', 'me', 'i', 'ours', 'mine', 'our', 'my', 'ourselves', 'myself', 'customer', 'customers']);
const AWS_WORDS = new Set(['aws', 'amazon', 'amazons', 'they', 'them', 'their', 'theirs', 'provider']);
const WH = new Set(['what', 'whats', 'which']);
/** How far into a "what/which" clause its party may sit ("what security stuff is aws s"). */
const CLAUSE_WINDOW = 6;

/**
 * "what's ours vs what's AWS's", "which parts are AWS's and which are mine", "what do we manage
 * and what does Route 53 manage": two "what/which" clauses, one about each side, ask for the
 * split whatever words join them. `named` are the positions of service names, which stand for
 * the side that runs the service.
 */
function twoSidedClauses(tokens: string[], named: ReadonlySet<number>): boolean {
  const sides = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (!WH.has(tokens[i])) continue;
    for (let k = i + 1; k < Math.min(tokens.length, i + 1 + CLAUSE_WINDOW) && !WH.has(tokens[k]); k++) {
      if (US_WORDS.has(tokens[k])) { sides.add('us'); break; }
      if (AWS_WORDS.has(tokens[k]) || named.has(k)) { sides.add('aws'); break; }
    }
  }
  return sides.size === 2;
}

export function questionForm(normalized: string, named: ReadonlySet<number> = new Set(), text = ''): QuestionForm {
  const split = SPLIT.test(normalized) || twoSidedClauses(normalized.split(' '), named);
  const confirmation = CONFIRMATION.test(normalized) || ASKS_TO_CONFIRM.test(normalized) || TAG_THEN_MORE.test(text);
  let claimedOwner: QuestionForm['claimedOwner'];
  if (confirmation) {
    const aws = CLAIM_AWS.test(normalized);
    const us = CLAIM_US.test(normalized);
    if (aws !== us) claimedOwner = aws ? 'aws' : 'customer';
  }
  return { split, confirmation, claimedOwner };
}
