/**
 * Negation scope in the manner of NegEx (Chapman et al., 2001): a trigger ("not", "without",
 * "isn't", "instead of") negates the words that follow it, up to a terminator or a few words.
 * "plain RDS, not Custom" then does not state the RDS Custom situation.
 */

const TRIGGERS = new Set(['not', 'no', 'non', 'never', 'without', 'isnt', 'arent', 'dont', 'doesnt', 'didnt', 'wont', 'cant', 'cannot', 'except', 'excluding', 'unlike', 'nor', 'unless']);
const TWO_WORD_TRIGGERS = new Set(['instead of', 'rather than', 'other than', 'apart from']);
/** Words that end a negation's scope: "not Custom but the standard engine". */
const TERMINATORS = new Set(['but', 'however', 'although', 'though', 'so', 'because', 'since', 'while', 'whereas', 'yet', 'who', 'what', 'which', 'is', 'are', 'does', 'do']);
const SCOPE = 4;
/** Words that say what a negation refers to without being what it sets aside ("not talking about the…"). */
const REFERRING = new Set(['asking', 'talking', 'referring', 'about', 'to', 'the', 'mean', 'meaning', 'i', 'we', 're', 'am', 'our', 'any', 'a', 'an']);
/** "isn't it...", "don't we...": a question asked in the negative, not a negated situation. */
const AUXILIARY = new Set(['isnt', 'arent', 'dont', 'doesnt', 'didnt', 'wont', 'cant']);
const SUBJECTS = new Set(['i', 'we', 'you', 'it', 'that', 'this', 'they', 'aws', 'amazon', 'there', 'he', 'she']);

export function isNegationTrigger(token: string): boolean {
  return TRIGGERS.has(token);
}

/** Triggers that negate what comes before them: "event history isn't enough". */
const BACKWARD_TRIGGERS = ['isnt enough', 'is not enough', 'not enough', 'isnt sufficient', 'is not sufficient', 'wont do', 'will not do', 'doesnt cut it', 'is not an option', 'isnt an option', 'is out of the question'];
const BACKWARD_SCOPE = 3;

/** Triggers that set something aside ("not systems manager", "other than WAF"), as opposed to a verb in the negative ("isn't EC2 patched?"). */
const SETTING_ASIDE = new Set(['not', 'non', 'except', 'excluding', 'unlike', 'without']);

/**
 * Positions a question explicitly sets aside: "SM = secrets manager, not systems manager",
 * "a real batch of patches, not AWS Batch". A thing named only there is not what is asked about.
 */
export function setAsidePositions(tokens: string[]): Set<number> {
  return negatedPositions(tokens, (i) => SETTING_ASIDE.has(tokens[i]) || (i + 1 < tokens.length && TWO_WORD_TRIGGERS.has(`${tokens[i]} ${tokens[i + 1]}`)), false);
}

/**
 * "we don't use EC2 at all", "NOT using Fargate", "never touched Config": a service the asker
 * says they do not use is background, not what the question is about. Only a usage verb counts:
 * "we don't encrypt the S3 bucket" still asks about S3.
 */
const DISUSE = /(?:^| )(?:dont|doesnt|didnt|not|never|arent|isnt|no longer)(?: really| even| actually)? (?:use|uses|using|used|run|runs|running|touch|touched)(?: any| an| a| the| our)?$/;

/** Whether the words just before position `start` say the thing there is not used. */
export function disusedAt(tokens: string[], start: number): boolean {
  return DISUSE.test(tokens.slice(Math.max(0, start - 5), start).join(' '));
}

/** Positions of `tokens` (normalised words) inside a negation's scope. */
export function negatedPositions(tokens: string[], isTrigger: (i: number) => boolean = () => true, backward = true): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    let start = -1;
    if (!isTrigger(i)) continue;
    if (AUXILIARY.has(tokens[i]) && SUBJECTS.has(tokens[i + 1] ?? '')) continue;
    if (TRIGGERS.has(tokens[i])) start = i + 1;
    else if (i + 1 < tokens.length && TWO_WORD_TRIGGERS.has(`${tokens[i]} ${tokens[i + 1]}`)) start = i + 2;
    if (start < 0) continue;
    // "non-RDS secret": the prefix negates one word.
    const scope = tokens[i] === 'non' ? 1 : SCOPE;
    // "not asking about the AWS Config service": words that only say what is meant do not use up the scope.
    for (let k = start, counted = 0; k < tokens.length && counted < scope; k++) {
      if (TERMINATORS.has(tokens[k]) || TRIGGERS.has(tokens[k])) break;
      out.add(k);
      // Only a leading run of such words: "instead of windows update on our workspaces" still ends after four words.
      if (!(REFERRING.has(tokens[k]) && counted === 0)) counted++;
    }
  }
  if (!backward) return out;
  const text = tokens.join(' ');
  for (const trigger of BACKWARD_TRIGGERS) {
    let at = text.indexOf(` ${trigger}`);
    while (at >= 0) {
      const index = text.slice(0, at).split(' ').length; // tokens before the trigger
      for (let k = index - 1; k >= Math.max(0, index - BACKWARD_SCOPE); k--) {
        if (TERMINATORS.has(tokens[k])) break;
        out.add(k);
      }
      at = text.indexOf(` ${trigger}`, at + 1);
    }
  }
  return out;
}
