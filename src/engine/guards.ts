/**
 * Patterns for messages the knowledge base must not answer as asked: other clouds, requests
 * for secrets or the bot's instructions, attempts to dictate an answer, and unrelated chatter.
 * All patterns run on normalised text (lowercase, punctuation as spaces).
 */

export type GuardReason = 'other_cloud' | 'secrets' | 'manipulation' | 'harmful' | 'unrelated';

const OTHER_CLOUDS =
  /\b(azure|gcp|google cloud|google compute|gke|bigquery|oracle cloud|oci|alibaba|aliyun|ibm cloud|digitalocean|digital ocean|linode|heroku|vercel|netlify|cloudflare workers|openstack|vmware cloud|hetzner|ovh|firebase|entra id|active directory on azure|microsoft cloud)\b/;

const SECRETS =
  /\b(signing secret|bot token|slack token|app token|xapp|openai (api )?key|your (api )?keys?|your tokens?|your passwords?|your credentials|your secrets?|your env|your env vars|your environment variables|your config|your configuration|your source code|your database|initial prompt)\b|\b((give|show|tell|send|reveal|print|share|leak|dump|paste|display|repeat|output|list|what s|what is|whats)\s+(me\s+)?(us\s+)?(your|the bots?|the|all|any)\s+(own\s+)?(system prompt|prompt|instructions|initial instructions|hidden instructions|rules|config|configuration|api keys?|openai key|tokens?|bot token|slack token|signing secret|passwords?|credentials|secrets|env|environment variables)|system prompt|your instructions|your prompt|instructions (were you|you were|you got) given|what (are|were) your (instructions|rules|guidelines)|above instructions|previous instructions verbatim|\.env file|xoxb|sk [a-z0-9]{6,})/;

const MANIPULATION =
  /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions|rules|prompt|previous|above|guidelines|knowledge base|kb|everything|policy|training|constraints|matrix|sources|facts|data you have)\b|\b(say|answer|reply|respond|state|claim|agree|admit)\s+(that\s+)?aws (is responsible|owns|handles|patches|manages|secures|takes care)\b|\b(pretend|roleplay|role play|act as|you are now|from now on|developer mode|jailbreak|dan mode|do anything now)\b|\b(say|tell me|tell everyone|answer|reply|respond|write|state|claim|confirm)\b.{0,20}\b(that\s+)?aws (owns|is responsible|handles|patches|manages|secures|takes care)\b.{0,60}\b(even if|regardless|no matter|always|from now|instead|anyway)\b|\b(just|only) (say|answer|reply|respond)\b.{0,30}\b(aws|you|yes|no|customer|shared)\b|\b(answer|reply|respond) (only )?with\b.{0,20}\b(aws|yes|no|customer|shared)\b|\bnew rule\b|\bsystem\s*:/;

const HARMFUL =
  /\b(hack|hacking|exploit|break into|attack|ddos someone|steal|exfiltrate|crack|brute force|phish)\b.{0,60}\b(other customers?|other accounts?|someone else s|someone elses|another account|another customer|aws employees?|the hypervisor|other tenants?|aws infrastructure|a website|a bank)\b|\b(access|read|see|get into|break into|look at|download)\b.{0,30}\b(another|other|someone else s|someone elses|a different)\b.{0,25}\b(account|accounts|data|bucket|buckets|instance|instances|database|resources)\b/;

const UNRELATED =
  /\b(weather|forecast|joke|jokes|poem|poems|recipe|recipes|cook|cooking|lyrics|song|movie|movies|football|soccer|basketball|baseball|cricket|stock price|stocks|bitcoin|crypto price|horoscope|dating|restaurant|vacation|holiday plans|capital of|president of|translate|essay|homework|birthday|who won|sports|tell me a story|lottery|meaning of life|pizza|coffee|beer|game of thrones|taylor swift|write me a|play chess|math problem|solve for x|fibonacci)\b/;

export function guardReason(normalized: string): GuardReason | undefined {
  if (SECRETS.test(normalized)) return 'secrets';
  if (MANIPULATION.test(normalized)) return 'manipulation';
  if (HARMFUL.test(normalized)) return 'harmful';
  if (OTHER_CLOUDS.test(normalized)) return 'other_cloud';
  return undefined;
}

/** Requests no AWS word can make relevant: "a poem about S3" is still a poem. */
const ALWAYS_UNRELATED = /\b(poem|poems|haiku|limerick|joke|jokes|song|lyrics|recipe|recipes|horoscope|weather|bedtime story|love letter)\b/;

export function isAlwaysUnrelated(normalized: string): boolean {
  return ALWAYS_UNRELATED.test(normalized);
}

/** Unrelated topics are only out of scope when the question names nothing from AWS. */
export function isUnrelated(normalized: string): boolean {
  return UNRELATED.test(normalized);
}

const GREETING_WORDS = new Set(
  'hi hello hey heya hiya yo sup howdy hola morning afternoon evening good thanks thank thx ty cheers you bot there all folks team whosecures how are doing whats up gm great cool nice awesome ok okay much lot appreciate it appreciated welcome'.split(' '),
);

export function isGreeting(tokens: string[]): boolean {
  if (tokens.length === 0 || tokens.length > 8) return false;
  const hasGreeting = tokens.some((t) => /^(hi|hello|hey|heya|hiya|yo|sup|howdy|hola|morning|thanks|thank|thx|ty|cheers|gm)$/.test(t));
  return hasGreeting && tokens.every((t) => GREETING_WORDS.has(t));
}

const HELP = /^(help|usage|commands|menu|\?|h)$|\b(what can you do|what do you do|how do i use (you|this|this bot|whosecures)|how does this (bot )?work|what are you|who are you|what can i ask|what should i ask|list (of )?commands|show commands|how to use|help me use|getting started|what questions)\b/;

export function isHelp(normalized: string): boolean {
  return HELP.test(normalized) || normalized === '';
}

/** "Does AWS patch...?" asks about AWS; "do I need to...?" asks about the user. */
export function askedParty(normalized: string): 'aws' | 'customer' | undefined {
  if (/^(does|do|is|will|would|should|can|are|has|did) aws\b|\bis (it|this|that) (on )?aws\b|\baws s (job|responsibility|problem)\b|\bis aws (responsible|on the hook|in charge)\b|\bhandled by aws\b|\bdoes amazon\b/.test(normalized)) return 'aws';
  if (/^(do|should|must|am|have|need|will|would|can) (i|we)\b|\bis (it|this|that) (on )?(me|us|my|our)\b|\bon me\b|\bon us\b|\bmy (job|responsibility|problem)\b|\bour (job|responsibility|problem)\b|\bdo i (need|have) to\b|\bdo we (need|have) to\b|\bam i (responsible|on the hook)\b|\bare we (responsible|on the hook)\b/.test(normalized)) return 'customer';
  return undefined;
}
