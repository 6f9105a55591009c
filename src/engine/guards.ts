/**
 * Patterns for messages the knowledge base must not answer as asked: requests for secrets or the
 * bot's instructions, attempts to dictate an answer, and help with attacks. These are patterns
 * of phrasing ("give me … your … key"), kept as code; plain word lists (other clouds,
 * on-premises words, chit-chat topics) are data in knowledge/scope.yaml (engine/scope.ts).
 * All patterns run on normalised text (lowercase, punctuation as spaces).
 */

export type GuardReason = 'other_cloud' | 'secrets' | 'manipulation' | 'harmful' | 'unrelated';

const SECRETS =
  /\b(signing secret|bot token|slack token|app token|xapp|openai (api )?key|your (api )?keys?|your tokens?|your passwords?|your credentials|your secrets?|your env|your env vars|your environment variables|your config|your configuration|your source code|your database|initial prompt|keys you (run|use)|credentials you (run|use)|access keys you|file names in your|files in your knowledge|hidden config|internal config)\b|\b(what|whats|what is|give me|tell me|show me|send me|share|paste|post)\b.{0,25}\b(prod|production|our|the|my)\b.{0,15}\b(password|passwords|secret value|secret values|secret access key|access keys?|api keys?|db credentials|database credentials|connection string|root credentials|key material|private key|plaintext key)\b(?! (policy|policies|rotation|rotate|length|complexity|reset))|\breveal\b.{0,20}\b(your|hidden|internal|secret)\b|\b((give|show|tell|send|reveal|print|share|leak|dump|paste|display|repeat|output|list|what s|what is|whats)\s+(me\s+)?(us\s+)?(your|the bots?|the|all|any)\s+(own\s+)?(system prompt|prompt|instructions|initial instructions|hidden instructions|rules|config|configuration|api keys?|openai key|tokens?|bot token|slack token|signing secret|passwords?|credentials|secrets|env|environment variables)|system prompt|your instructions|your prompt|instructions (were you|you were|you got) given|what (are|were) your (instructions|rules|guidelines)|above instructions|previous instructions verbatim|\.env file|xoxb|sk [a-z0-9]{6,})/;

const MANIPULATION =
  /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions|rules|prompt|previous|above|guidelines|knowledge base|kb|everything|policy|training|constraints|matrix|sources|facts|data you have)\b|\b(say|answer|reply|respond|state|claim|agree|admit)\s+(that\s+)?aws (is responsible|owns|handles|patches|manages|secures|takes care)\b|\b(pretend|roleplay|role play|act as|you are now|developer mode|jailbreak|dan mode|do anything now)\b|\bfrom now on (you|your|answer|say|respond|reply|always|all|every|aws is|aws owns|the answer)\b|\b(say|tell me|tell everyone|answer|reply|respond|write|state|claim|confirm)\b.{0,20}\b(that\s+)?aws (owns|is responsible|handles|patches|manages|secures|takes care)\b.{0,60}\b(even if|regardless|no matter|always|from now|instead|anyway)\b|\b(just|only) (say|answer|reply|respond)\b.{0,30}\b(aws|you|yes|no|customer|shared)\b|\b(answer|reply|respond) (only )?with\b.{0,20}\b(aws|yes|no|customer|shared)\b|\bnew (rule|rules|policy|instructions)\b|^system\b|\b(every|all) (answer|answers|verdicts?|responses?) (must|should|will) be\b|\bjust agree\b|\bagree with (him|her|me|them|my boss)\b|\b(respond|reply|answer|say|state|write|claim) that\b|\bfor (a|this) test (respond|reply|answer|say)\b|\bso i can screenshot\b|\brepeat after me\b|\b(update|change|correct) your answer\b|\b(say|answer|reply|respond)\b.{0,25}\bfrom now on\b|\bsay yes\b|\bjust (confirm|agree|approve)\b|\bconfirm (this|the following|my) (sentence|statement|wording|claim)\b|\b(approved|signed off) the wording\b|\bsay (it|this|that) exactly\b|\bsay exactly\b/;

const HARMFUL =
  /\b(write|create|build|make|craft|code|deploy|spread|send|hide|run)\b.{0,30}\b(phishing|malware|ransomware|keylogger|crypto ?miner|botnet|exploit kit)\b|\b(ddos|dos|flood|take down|knock offline)\b.{0,20}\b(a |the |my |our )?(competitor|competitors|someone|somebody|a site|a website|their site|their website|them|an ip)\b|\b(stop|prevent|avoid|evade|bypass|disable|hide from)\b.{0,30}\b(guardduty|cloudtrail|detection|detecting|logging|security hub|macie)\b.{0,40}\b(detecting|seeing|noticing|logging|finding|i put|i installed|my employer|without)\b|\bwithout (being )?(detected|noticed|logged)\b|\bwithout\b.{0,30}\b(picking (it|this|that|them|us|me) up|catching|flagging|alerting|detecting|noticing|seeing it)\b|\bwithout (them|anyone|the owner|the owners|him|her) (noticing|knowing|finding out)\b|\b(another|other) compan(y|ies) s3\b|\b(get around|bypass|circumvent|disable|skip)\b.{0,20}\b(mfa|2fa|two factor|login|password)\b.{0,40}\b(ex colleague|former|someone|colleague|coworker|another|other|his|her|their)\b|\b(enumerat\w*|scrap\w*|crawl\w*|harvest\w*)\b.{0,40}\b(other|another|someone|companies|company|people)\b|\b(other|another) (compan(y|ies)|organi[sz]ations?|orgs?|people) s? ?(buckets?|data|accounts?|resources)\b|\b(hack|hacking|exploit|break into|attack|ddos someone|steal|exfiltrate|crack|brute force|phish)\b.{0,60}\b(other customers?|other accounts?|someone else s|someone elses|another account|another customer|aws employees?|the hypervisor|other tenants?|aws infrastructure|a website|a bank)\b|\b(access|read|see|get into|break into|look at|download)\b.{0,30}\b(another|other|someone else s|someone elses|a different)\b.{0,25}\b(account|accounts|data|bucket|buckets|instance|instances|database|resources)\b/;

/** The words for a credential's value, shared by the patterns below. */
const CREDENTIAL_WORDS = 'passwords?|secret access keys?|access keys?|api keys?|private keys?|credentials|creds|tokens?';
/** Another party, named by who they are ("our vendor's", "the partner's"; normalising drops the "'s"). */
const THIRD_PARTY = 'partner|vendor|colleague|coworker|client|boss|ex|other team|another team|someone else|somebody else|supplier|contractor';

/** A credential's value: what the bot never fetches, for anyone ("the secret access key", "their secrets manager values"). */
const CREDENTIAL_VALUE = new RegExp(`\\b(${CREDENTIAL_WORDS}|passphrases?|secret values?|secrets? manager values|secrets|connection strings?|key material)\\b(?! (policy|policies|rotation|rotate|rotates|rotated|length|complexity|reset|manager (rotat|polic)))`);

/** The verbs of handing something over: fetching it, or sending it by message. */
const HANDING_OVER = 'get|pull|fetch|grab|retrieve|give|send|show|read|dump|look up|find|share|tell|export|extract|copy|dm|message|email|paste|post|reveal|print';

/**
 * Asked to fetch something for the asker ("can you pull it for me", "can the bot get them"):
 * the bot answers who owns what; it reads no account and hands nothing over.
 */
const FETCH_FOR_ASKER = new RegExp(
  `\\b(can|could|would|will) (you|u|ya|the bot|this bot|whosecures|someone|somebody|anyone|anybody)\\b.{0,30}\\b(${HANDING_OVER})\\b` +
    `|\\b(get|pull|fetch|grab|retrieve|dump|send|give|read|export|extract) (it|them|that|those|these|this|the values?|the keys?|the passwords?)? ?(for|to) (me|us)\\b`,
);

/**
 * A message that opens by asking for a credential to be handed over ("DM me the master
 * password…", "pull the Secrets Manager password for the registrar's db"): the bot hands nothing
 * over, whoever's it is. Not "tell me where to keep secrets", which asks a question.
 */
const HAND_OVER = /^((hey|hi|hello|yo|ok|okay|so|pls|please|plz|urgent|quick one)\s+)*(pls\s+|please\s+|just\s+)*(dm|message|email|send|give|pull|dump|share|paste|post|fetch|grab|retrieve|reveal|print|tell)\b(?! (me |us )?(how|where|whether|why|when|what|which|if)\b)/;

/** Someone else's account, named by whose it is ("his root user", "their prod account", "belongs to the finance team, not us"). */
const FOREIGN_ACCOUNT = /\b(his|her|their|my ex|my ex s|an ex s|my old|our old|former|someone else s|somebody else s|another person s|other company s|another company s|some other company|the other company|(partner|vendor|colleague|coworker|co worker|client|boss|neighbou?r|ex|cofounder|co founder|competitor|rival) s)\b.{0,30}\b(personal )?(aws )?(account|accounts|root user|root login|root password|console login|login|bucket|buckets|data|secrets|credentials|session|sessions|desktop|desktops|workspaces?|mailbox|email|inbox|laptop|machine|instances?|files|database)\b|\b(belongs|belong|belonging) to\b.{0,40}\b(not (us|me|mine|ours)|some other|another|someone|other compan)|\b(i|we) ((have|got) no|(dont|don t|do not) have) access to\b/;

/** Another party's credential asked for by its value: "what's our vendor's api key?", "get the access key for their user". */
const THIRD_PARTY_CREDENTIAL = new RegExp(
  `\\b(what|whats|give me|need|send|share|tell me|i want)\\b.{0,40}\\b((${THIRD_PARTY})( s)?|his|her|their)\\b.{0,25}\\b(${CREDENTIAL_WORDS}|root password)\\b` +
    `|\\b(get|obtain|grab|find|retrieve|pull|see)\\b.{0,20}\\b(${CREDENTIAL_WORDS}|root password)\\b.{0,12}\\b(for|of|from) (their|his|her|another|someone|somebody|the other)\\b`,
);

/** Getting in: what the asker wants to do with someone else's account. */
const GET_IN = /\b(log in|login|sign in|signin|get in|get into|access|break into|grab|download|copy|pull|take|read|use)\b/;

/** Done so that the owner does not find out ("before they notice", "without him knowing"). */
const UNNOTICED = /\b(before|without|so|so that|until) (they|he|she|anyone|anybody|somebody|the owners?|the company|them|him|her|it s) ?(don t |dont |doesn t |doesnt |won t |wont |can t |cant |ever |even )?(notice|noticing|notices|find out|finding out|finds out|knowing|knows|know|see|sees|seeing|realise|realize|realises|realizes|catch|catches|detect|detects)\b/;

/** The asker sets AWS aside: "explain raft leader election (generic, not AWS)", "nothing to do with aws". */
const NOT_ABOUT_AWS = /\bnot (about (aws|amazon)|an? (aws|amazon) question)\b|\b(not|non) (aws|amazon) (specific|related)\b|\bnothing to do with (aws|amazon)\b|\b(generic|general|generally),? not (aws|amazon)\b/;

export function guardReason(normalized: string): GuardReason | undefined {
  if (NOT_ABOUT_AWS.test(normalized)) return 'unrelated';
  if (SECRETS.test(normalized)) return 'secrets';
  if (CREDENTIAL_VALUE.test(normalized) && (FETCH_FOR_ASKER.test(normalized) || (HAND_OVER.test(normalized) && !/\bwho\b/.test(normalized)))) return 'secrets';
  // "what's our lab partner's secret access key?": another party's credential, asked for its value.
  if (THIRD_PARTY_CREDENTIAL.test(normalized) && !/\b(who|whose|rotat\w*|polic\w*)\b/.test(normalized)) return 'secrets';
  if (FOREIGN_ACCOUNT.test(normalized) && (GET_IN.test(normalized) || CREDENTIAL_VALUE.test(normalized)) && !/\bwho\b/.test(normalized)) return 'harmful';
  if (UNNOTICED.test(normalized) && GET_IN.test(normalized)) return 'harmful';
  if (MANIPULATION.test(normalized)) return 'manipulation';
  if (HARMFUL.test(normalized)) return 'harmful';
  return undefined;
}

/** Requests no AWS word can make relevant: "a poem about S3" is still a poem. */
const ALWAYS_UNRELATED = /\b(poem|poems|haiku|limerick|joke|jokes|horoscope|bedtime story|love letter|(in|into|to) (french|spanish|german|italian|portuguese|japanese|chinese|korean|hindi|arabic|dutch|polish))\b|\b(recipe|recipes) (for|of) (a |an |the )?(cake|bread|pasta|dinner|lunch|soup|cookies|pizza|curry)|\btranslate (this|that|it|the following|into|to)\b|\bhow much (does|do|is|will|would)\b.{0,60}\b(cost|costs|charge|pay|price)\b|\b(price|pricing|cost) (per|of an?|for an?)\b.{0,30}\b(hour|month|instance|gb|request)\b|\bper hour\b|\b(cheapest|cheaper|discount|savings plan|reserved instances?|free tier limits?|savings plans)\b/;

export function isAlwaysUnrelated(normalized: string): boolean {
  return ALWAYS_UNRELATED.test(normalized);
}

const GREETING_WORDS = new Set(
  'that this helped helps helpful perfect exactly got yes yep nice one hi hello hey heya hiya yo sup howdy hola morning afternoon evening good thanks thank thx ty cheers you bot there all folks team whosecures how are doing whats up gm great cool nice awesome ok okay much lot appreciate it appreciated welcome'.split(' '),
);

export function isGreeting(tokens: string[], nothingElse = false): boolean {
  if (tokens.length === 0 || tokens.length > 8) return false;
  // "thanks a lot, that answers it!": a thank-you with no AWS words in it.
  if (nothingElse && tokens.some((t) => /^(thanks|thank|thx|ty|cheers|hi|hello|hey)$/.test(t))) return true;
  const hasGreeting = tokens.some((t) => /^(hi|hello|hey|heya|hiya|yo|sup|howdy|hola|morning|thanks|thank|thx|ty|cheers|gm|helped|perfect)$/.test(t));
  return hasGreeting && tokens.every((t) => GREETING_WORDS.has(t));
}

const HELP = /^(help|usage|commands|menu|\?|h)$|\b(what can you do|what do you do|how do i use (you|this|this bot|whosecures)|how does this (bot )?work|what are you|who are you|what can i ask|what should i ask|list (of )?commands|show commands|how to use|help me use|getting started|what questions|what (kind|sort|type)s? of (stuff|things|questions) can you|what can you help|can you help with|how can you help|how (do|can|should) (i|we) (ask|use) (you|this|it)|how to ask|ask you stuff|ask you things)\b/;

export function isHelp(normalized: string): boolean {
  return HELP.test(normalized) || normalized === '';
}

/** "Does AWS patch...?" asks about AWS; "do I need to...?" asks about the user. */
export function askedParty(normalized: string): 'aws' | 'customer' | undefined {
  // "is that on us or on AWS?" names both parties: it asks which, not yes or no.
  if (/\bor (on )?(me|us|aws|amazon|them|we|i|you)\b|\b(aws|amazon|us|we|me) or\b/.test(normalized)) return undefined;
  if (/^(does|do|is|will|would|should|can|are|has|did) aws\b|\bis (it|this|that) (on )?aws\b|\baws s (job|responsibility|problem)\b|\bis aws (responsible|on the hook|in charge)\b|\bhandled by aws\b|\bdoes amazon\b/.test(normalized)) return 'aws';
  if (/(^|\b(so|then|but|and|now|also|still) )(do|should|must|am|have|need|will|would|can) (i|we)\b|\b(do|must|should) (i|we) (still )?(patch|need|have|update|configure|encrypt|rotate|manage|handle|enable|do anything)\b|\bis (it|this|that) (on )?(me|us|my|our)\b|\bon me\b|\bon us\b|\bmy (job|responsibility|problem)\b|\bour (job|responsibility|problem)\b|\bdo i (need|have) to\b|\bdo we (need|have) to\b|\bam i (responsible|on the hook)\b|\bare we (responsible|on the hook)\b/.test(normalized)) return 'customer';
  return undefined;
}
