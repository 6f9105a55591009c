/**
 * Word handling for the contradiction check: the model paraphrases the knowledge base, so
 * words are compared as crude stems ("patching", "patches" -> "patch"; "encryption" -> "encrypt").
 */

const STOPWORDS = new Set(
  (
    'a an the your you yours yourself yourselves my myself our ourselves their themselves its it itself this that these those them they he she we us i of for on in at to and or nor with by from ' +
    'as be is are was were been being do does did done not no also just only so such than then there here under over into onto within ' +
    'about both either neither up out own any all every each some which who whom whose what when where why how can could may might must ' +
    'shall should will would need needs have has had get gets got aws amazon web services service services customer customers user users ' +
    'always still really very more most much many other others same one ones way ways thing things something anything everything nothing ' +
    'two three four five several whole entire entirely fully solely completely responsibility responsible job duty task part side'
  ).split(' '),
);

const SYNONYMS: Array<[RegExp, string]> = [
  [/\boperating systems?\b/g, 'operatingsystem'],
  [/\bos(es)?\b/g, 'operatingsystem'],
  [/\bdbs?\b/g, 'database'],
  [/\bssl\b/g, 'tls'],
  [/\bmfa\b/g, 'multifactor'],
  [/\bsg\b/g, 'securitygroup'],
  [/\bsecurity groups?\b/g, 'securitygroup'],
  [/\bdata ?cent(er|re)s?\b/g, 'datacenter'],
];

/** [suffix, replacement, letters that must remain]: "applies" -> "apply", but "apply" stays. */
const SUFFIXES: Array<[string, string, number]> = [
  ['ations', '', 3], ['ation', '', 3], ['ions', '', 3], ['ion', '', 3], ['ings', '', 3], ['ing', '', 3],
  ['ies', 'y', 2], ['ied', 'y', 2], ['es', '', 3], ['ed', '', 3], ['ly', '', 5], ['s', '', 3],
];

export function stem(word: string): string {
  let w = word;
  for (const [suffix, replacement, keep] of SUFFIXES) {
    if (w.length - suffix.length >= keep && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  // "update"/"updat", "configure"/"configur": drop a final e so both spellings meet.
  return w.length > 3 && w.endsWith('e') ? w.slice(0, -1) : w;
}

/** Lowercase words with the synonyms folded, before stemming. */
export function plainWords(text: string): string[] {
  let t = text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  for (const [pattern, replacement] of SYNONYMS) t = t.replace(pattern, replacement);
  return t.split(/[^a-z0-9]+/).filter(Boolean);
}

/** Content stems of a text: stopwords and the given extra words dropped. */
export function contentStems(text: string, drop: Set<string> = new Set()): Set<string> {
  const out = new Set<string>();
  for (const w of plainWords(text)) {
    if (STOPWORDS.has(w) || drop.has(w) || w.length < 2) continue;
    out.add(stem(w));
  }
  return out;
}

/** True when the object of a claim is empty, a pronoun or "everything": it stands for the topic itself. */
export function isWholeTopic(object: string): boolean {
  if (contentStems(object).size > 0) return false;
  // "them", "these", "those" usually point at something just named (rules, keys), not the topic.
  const words = plainWords(object);
  return !words.some((w) => PLURAL_POINTERS.has(w)) || words.some((w) => TOPIC_POINTERS.has(w));
}

const PLURAL_POINTERS = new Set(['them', 'these', 'those']);
const TOPIC_POINTERS = new Set(['it', 'this', 'that', 'everything', 'anything', 'all', 'nothing']);

export function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

export function minus(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => !b.has(x)));
}

/** Does the text contain the phrase as whole words? Both sides are lowercased and folded. */
export function hasPhrase(text: string, phrase: string): boolean {
  const p = plainWords(phrase).join(' ');
  if (!p) return false;
  return ` ${plainWords(text).join(' ')} `.includes(` ${p} `);
}
