import { normalizeText } from '../text/normalize';
import { GENERAL, type KnowledgeBase } from '../knowledge/types';
import { PhraseIndex, type PhraseHit } from './phrases';

/**
 * Keywords that name an area only loosely: they count, but a more specific phrase elsewhere in
 * the question wins ("encrypt traffic in transit" is about transit, not rest).
 */
const WEAK_KEYWORDS = new Set([
  'encrypt', 'encrypts', 'encrypting', 'encryption', 'encrypted', 'data', 'my data', 'access', 'patch', 'patches',
  'patching', 'os', 'users', 'groups', 'role', 'roles', 'policy', 'policies', 'code', 'application', 'config',
  'configuration', 'settings', 'key', 'keys', 'log', 'logs', 'content', 'secret', 'secrets', 'scale', 'http',
  'engine', 'incident', 'audit', 'infra', 'infrastructure', 'deletion', 'itself', 'unencrypted', 'physical', 'physically', 'probing', 'bundled', 'npm', 'private', 'train', 'trains', 'run on', 'runs on', 'durable', 'wiped', 'rotate', 'rotates', 'rotation', 'public', 'fails', 'failure', 'upgrading', 'audits', 'regions', 'availability', 'runtime', 'layers', 'tags', 'retention',
  'lifecycle', 'routing', 'ports', 'servers', 'monitor', 'vpc', 'backup', 'replication', 'kernel', 'ha', 'dr',
]);

/** Ordinary words that must never be typo-corrected into a service name. */
const COMMON_WORDS = new Set(
  `about above after again against among another answer anyone anything apply asked aware being below between
  bucket buckets cache cloud could crypto database databases doing during every everything files first function
  functions guest handle handles having instance instances itself keeping later layer lambda maybe might mine
  needs never other others ourselves owner owned owns patch patched patches people please point private public
  queue queues really right rules secure secured secures security service services should since something still
  storage stream streams system table tables their there these thing things those through topic topics under
  until using which while whose would write yours yourself event events model shared share stuff hosts where
  whats clouds costs price pricing cluster clusters server servers store stored notebook notebooks build
  builds static check checks apply applies choose install update updates upgrade upgrades admin admins manage
  managed managing mobile phone email emails files image images nodes container containers docker hosted
  hosting worker workers agent agents tenant tenants portal cards order orders trail trails machine machines
  inspection inspections inspected inspecting
  backup backups instance server vm vms virtual function queue topic table cluster dns cdn certificate
  certificates secret secrets keys firewall config logs alarms alarm metrics identity directory`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Generic words that some service lists as an alias ("instances" for EC2, "bucket" for S3):
 * they name that service only when no other service is named.
 */
const WEAK_ALIASES = new Set(
  `instance instances server servers vm vms virtual machine virtual machines bucket buckets queue queues topic
  topics function functions table tables cluster clusters backup backups container containers dns cdn key keys
  certificate certificates secret secrets firewall logs log alarms alarm metrics identity directory trail trails
  stream streams notebook notebooks database databases cache config configs configuration organization
  organizations org orgs`
    .split(/\s+/)
    .filter(Boolean),
);

/** Database and engine names: "patching" next to one of these means the engine, not the OS. */
const ENGINE_WORDS = ['postgres', 'postgresql', 'pg', 'mysql', 'mariadb', 'oracle', 'sqlserver', 'mssql', 'redis', 'valkey', 'memcached', 'kafka', 'opensearch', 'elasticsearch', 'mongodb', 'mongo', 'engine', 'db', 'database', 'gremlin'];
const OS_WORDS = new Set(['os', 'operating', 'kernel', 'ami', 'amis', 'linux', 'windows', 'guest', 'host', 'node', 'nodes']);

export interface AreaHitValue {
  area: string;
  weight: number;
  /** Set when the phrase comes from one service's cell keywords. */
  service?: string;
}

/**
 * Services people mostly name as the means to secure another service ("IAM auth on Aurora",
 * "CloudWatch alarms for MemoryDB"): when named next to another service, the other one is the
 * subject of the question.
 */
const TOOL_SERVICES = new Set([
  'iam', 'cloudwatch', 'cloudtrail', 'aws-backup', 'kms', 'secrets-manager', 'acm', 'shield', 'waf', 'guardduty',
  'aws-config', 'systems-manager', 'organizations', 'cloudhsm', 'vpc', 'inspector', 'macie', 'security-hub',
  'network-firewall', 'cloudformation',
]);

/** What naming a tool service says about the area of a question on another service. */
export const TOOL_AREA: Record<string, string> = {
  iam: 'access-control', organizations: 'access-control', cloudwatch: 'logging-monitoring', cloudtrail: 'logging-monitoring',
  guardduty: 'logging-monitoring', 'aws-backup': 'backups', kms: 'key-management', cloudhsm: 'key-management',
  'secrets-manager': 'credentials', acm: 'encryption-in-transit', shield: 'ddos-protection', waf: 'ddos-protection',
  'aws-config': 'configuration-management', 'systems-manager': 'os-patching', vpc: 'network-config',
  inspector: 'os-patching', macie: 'data', 'security-hub': 'logging-monitoring', 'network-firewall': 'network-config',
  cloudformation: 'configuration-management',
};

/** Words that only make sense for one service: "a shared AMI" is an EC2 question. */
const IMPLIED_SERVICES: Array<[RegExp, string]> = [
  [/\b(ami|amis|community ami|golden ami|key pair|key pairs|pem file|instance profile|user data script)\b/, 'ec2'],
  [/\b(kubelet|kubectl|pods?|etcd|kubernetes|k8s)\b/, 'eks'],
  [/\b(s3 bucket|bucket policy|bucket policies|presigned url)\b/, 's3'],
  [/\b(runtime management|function update mode|cold starts?|python3 \d+ functions|nodejs\d+ functions)\b/, 'lambda'],
];

export interface Detection {
  tokens: string[];
  normalized: string;
  /** Services the question is about, in order of mention (weak and tool mentions dropped when a stronger one is there). */
  services: string[];
  /** Two or more services joined by "and", "or", "vs" or commas: a comparison even without "compare". */
  listed: boolean;
  /** Areas by score, best first. */
  areas: Array<{ area: string; score: number; start: number }>;
  concepts: Array<{ concept: string; length: number }>;
  serviceHits: PhraseHit<string>[];
}

export class Detector {
  private readonly services = new PhraseIndex<string>();
  private readonly areas = new PhraseIndex<AreaHitValue>();
  private readonly concepts = new PhraseIndex<string>();
  private readonly protectedWords = new Set<string>(COMMON_WORDS);

  constructor(kb: KnowledgeBase) {
    for (const service of kb.services.values()) {
      if (service.id === GENERAL) continue;
      const names = new Set<string>([service.id, service.id.replace(/-/g, ' '), service.name, ...service.aliases]);
      // "Amazon RDS" is also typed as "RDS"; "AWS Lambda" as "Lambda".
      names.add(service.name.replace(/^(amazon|aws)\s+/i, ''));
      for (const name of names) {
        const n = normalizeText(name);
        if (n) this.services.add(n, service.id);
      }
    }
    for (const area of kb.areas.values()) {
      for (const keyword of [...area.keywords, area.id.replace(/-/g, ' '), area.title]) {
        const n = normalizeText(keyword);
        if (!n) continue;
        this.areas.add(n, { area: area.id, weight: phraseWeight(n) });
        for (const word of n.split(' ')) this.protectedWords.add(word);
      }
    }
    for (const cell of kb.cells.values()) {
      for (const keyword of cell.keywords) {
        const n = normalizeText(keyword);
        if (!n) continue;
        const service = cell.service === GENERAL ? undefined : cell.service;
        this.areas.add(n, { area: cell.area, weight: phraseWeight(n) + 0.5, service });
      }
    }
    for (const concept of kb.concepts.values()) {
      for (const keyword of concept.keywords) {
        const n = normalizeText(keyword);
        if (n) this.concepts.add(n, concept.id);
      }
    }
  }

  detect(text: string): Detection {
    const normalized = normalizeText(text);
    const tokens = normalized ? normalized.split(' ') : [];
    // A service name inside a longer area phrase is part of that phrase: "sse kms", "kms key".
    const areaPhrases = this.areas.match(tokens, { accept: (v) => !v.service });
    const allServiceHits = this.services.match(tokens, { fuzzy: true, protectedWords: this.protectedWords });
    const swallowed = (h: PhraseHit<string>) => areaPhrases.some((a) => !a.value.service && a.length > h.length && a.start <= h.start && a.start + a.length >= h.start + h.length);
    let serviceHits = allServiceHits.filter((h) => !swallowed(h));
    // "who rotates the key behind SSE-S3?": the phrase names the area, and still the service
    // when nothing else does.
    if (serviceHits.length === 0) serviceHits = allServiceHits.filter((h) => !TOOL_SERVICES.has(h.value)).slice(0, 1);
    let services = this.pickServices(serviceHits, tokens);
    if (services.length === 0) {
      const implied = IMPLIED_SERVICES.find(([pattern]) => pattern.test(normalized));
      if (implied) services = [implied[1]];
    }
    const listed = isListed(serviceHits.filter((h) => services.includes(h.value)), tokens);

    // Words that named a service are not also area keywords ("secrets manager" is not "secrets").
    const serviceSpans = new Set<number>();
    // Only services kept as subjects (or tools) hide their words: a dropped generic alias
    // ("backups" for AWS Backup) is still an area word.
    for (const hit of serviceHits) {
      if (!services.includes(hit.value) && (WEAK_ALIASES.has(hit.phrase) || hit.fuzzy)) continue;
      for (let k = hit.start; k < hit.start + hit.length; k++) serviceSpans.add(k);
    }
    const areaTokens = tokens.map((t, i) => (serviceSpans.has(i) ? '\u0000' : t));

    const scores = new Map<string, { score: number; start: number }>();
    // Cell keywords of services the question does not name must not take its words.
    for (const hit of this.areas.match(areaTokens, { accept: (v) => !v.service || services.includes(v.service) })) {
      const value = hit.value;
      const entry = scores.get(value.area) ?? { score: 0, start: hit.start };
      entry.score += value.weight;
      entry.start = Math.min(entry.start, hit.start);
      scores.set(value.area, entry);
    }
    // A tool service named beside the subject says what the question is about (by its name,
    // not by a generic word such as "config").
    for (const hit of serviceHits) {
      const area = TOOL_AREA[hit.value];
      if (!area || services.includes(hit.value) || WEAK_ALIASES.has(hit.phrase)) continue;
      const entry = scores.get(area) ?? { score: 0, start: hit.start };
      entry.score += 1.5;
      scores.set(area, entry);
    }
    // "patch postgres on RDS" is about the engine even though the engine's name is an alias.
    const os = scores.get('os-patching');
    if (os && ENGINE_WORDS.some((w) => tokens.includes(w)) && !tokens.some((t) => OS_WORDS.has(t))) {
      scores.delete('os-patching');
      const engine = scores.get('engine-patching') ?? { score: 0, start: os.start };
      engine.score += os.score + 0.5;
      scores.set('engine-patching', engine);
    }
    // On a tie, the broad "data" area gives way ("PHI in S3 for HIPAA" is about compliance).
    const broad = (area: string) => (area === 'data' ? 1 : 0);
    const areas = [...scores.entries()]
      .map(([area, s]) => ({ area, score: s.score, start: s.start }))
      .sort((a, b) => b.score - a.score || broad(a.area) - broad(b.area) || a.start - b.start);

    const concepts = this.concepts
      .match(tokens)
      .map((hit) => ({ concept: hit.value, length: hit.length }))
      .sort((a, b) => b.length - a.length);

    return { tokens, normalized, services, listed, areas, concepts, serviceHits };
  }

  private pickServices(allHits: PhraseHit<string>[], tokens: string[]): string[] {
    // "a non-RDS secret", "not on EC2": a negated service is not the subject.
    const hits = allHits.filter((h) => !(h.start > 0 && /^(non|not|except|without|unlike)$/.test(tokens[h.start - 1])));
    const strong = hits.filter((h) => !WEAK_ALIASES.has(h.phrase) && !(h.fuzzy && COMMON_WORDS.has(tokens[h.start])));
    const chosen = strong.length > 0 ? strong : hits;
    const ids: string[] = [];
    for (const hit of chosen) if (!ids.includes(hit.value)) ids.push(hit.value);
    if (ids.length > 1 && !isListed(chosen, tokens)) {
      const subjects = ids.filter((id) => !TOOL_SERVICES.has(id));
      if (subjects.length > 0) return subjects.length > 1 ? subjects : [subjects[0]];
    }
    return ids;
  }
}

/** "ec2 vs rds", "ec2, rds and lambda", "ec2 or lambda": services listed for comparison. */
function isListed(hits: PhraseHit<string>[], tokens: string[]): boolean {
  const distinct = hits.filter((h, i) => hits.findIndex((o) => o.value === h.value) === i);
  if (distinct.length < 2) return false;
  for (let i = 1; i < distinct.length; i++) {
    const between = tokens.slice(distinct[i - 1].start + distinct[i - 1].length, distinct[i].start);
    if (between.length <= 3 && between.some((t) => /^(and|or|vs|versus|v|compared|against|than)$/.test(t))) return true;
  }
  return false;
}

function phraseWeight(phrase: string): number {
  if (WEAK_KEYWORDS.has(phrase)) return 0.5;
  const n = phrase.split(' ').length;
  return n === 1 ? 1 : 1.5 + 0.5 * (n - 1);
}
