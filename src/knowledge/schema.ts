import { z } from 'zod';

/**
 * The knowledge base's schema. Every type the engine uses for curated data is derived from
 * here, so a YAML file that loads is a YAML file the engine can use.
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lowercase letters, digits and dashes');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');

export const OWNERS = ['aws', 'customer', 'shared', 'depends'] as const;
export const ownerSchema = z.enum(OWNERS);
export type Owner = z.infer<typeof ownerSchema>;

export const SERVICE_MODELS = ['infrastructure', 'container', 'abstracted'] as const;

export const sourceSchema = z
  .object({
    id,
    title: z.string().min(3),
    publisher: z.string().default('Amazon Web Services'),
    url: z.string().url(),
    /** Shipped documents: path under knowledge/ whose text citations may quote. */
    file: z.string().optional(),
  })
  .strict();
export type Source = z.infer<typeof sourceSchema>;

export const citationSchema = z
  .object({
    source: id,
    /** Where in the source: "paragraph 6" for shipped files, a section name for web pages. */
    locator: z.string().optional(),
    /** Verbatim words from a shipped source; checked by `kb check`. */
    quote: z.string().min(8).optional(),
  })
  .strict();
export type Citation = z.infer<typeof citationSchema>;

export const conditionSchema = z
  .object({
    when: z.string().min(3),
    owner: z.enum(['aws', 'customer', 'shared']),
    note: z.string().optional(),
    /**
     * Phrases that, found in a question, mean the asker is in this situation ("major version",
     * "turned off managed updates", "imported certificate"). Matched before the words of `when`.
     */
    phrases: z.array(z.string().min(2)).default([]),
    /**
     * The situation of a service left on its defaults ("SSE-S3 on every new upload"): what a
     * question saying "on the defaults" or "we never touched it" is in.
     */
    default: z.boolean().optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

export const cellSchema = z
  .object({
    area: id,
    owner: ownerSchema,
    /** One sentence that answers the question on its own. */
    summary: z.string().min(10),
    aws: z.array(z.string().min(3)).default([]),
    customer: z.array(z.string().min(3)).default([]),
    conditions: z.array(conditionSchema).default([]),
    /** Extra words users type for this cell (e.g. "block public access"), used by search. */
    keywords: z.array(z.string().min(2)).default([]),
    citations: z.array(citationSchema).min(1, 'every cell needs at least one citation'),
    verified: isoDate,
    /** The source (one of this cell's citations) whose page decided the cell when it was last verified. */
    decided_by: id.optional(),
  })
  .strict()
  .superRefine((cell, ctx) => {
    if (cell.owner === 'depends' && cell.conditions.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'owner "depends" needs conditions saying when each side owns it', path: ['conditions'] });
    }
    if (cell.aws.length === 0 && cell.customer.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'say what AWS does or what you do', path: ['aws'] });
    }
  });
export type CellInput = z.infer<typeof cellSchema>;

export const serviceSchema = z
  .object({
    id,
    name: z.string().min(2),
    /** Names, abbreviations and misspellings users type ("rds", "postgres on rds"). */
    aliases: z.array(z.string().min(2)).default([]),
    model: z.enum(SERVICE_MODELS),
    category: z.string().min(3),
    /** One or two sentences: where the line sits for this service. */
    summary: z.string().min(10),
    /** Other service ids users often compare with. */
    related: z.array(id).default([]),
  })
  .strict();
export type ServiceInput = z.infer<typeof serviceSchema>;

/** knowledge/services/<id>.yaml and knowledge/general.yaml */
export const serviceFileSchema = z
  .object({
    service: serviceSchema,
    sources: z.array(sourceSchema).default([]),
    cells: z.array(cellSchema).min(1),
  })
  .strict();

export const areaSchema = z
  .object({
    id,
    title: z.string().min(3),
    description: z.string().min(10),
    /** Phrases that mean this area in a question. */
    keywords: z.array(z.string().min(2)).min(1),
    /** The general cell holds for every service (physical security, the global network...). */
    universal: z.boolean().default(false),
    /** Areas every service file is expected to cover (reported by `kb stats`). */
    core: z.boolean().default(false),
  })
  .strict();
export type Area = z.infer<typeof areaSchema>;
export const areasFileSchema = z.object({ areas: z.array(areaSchema).min(1) }).strict();

export const conceptSchema = z
  .object({
    id,
    title: z.string().min(3),
    /** Phrasings that ask for this concept. */
    keywords: z.array(z.string().min(2)).min(1),
    /** "depends" for concepts whose answer is that it varies (by service, by setting). */
    verdict: z.enum(['aws', 'customer', 'shared', 'depends']).optional(),
    summary: z.string().min(10),
    aws: z.array(z.string()).default([]),
    customer: z.array(z.string()).default([]),
    citations: z.array(citationSchema).min(1),
    verified: isoDate,
  })
  .strict();
export type Concept = z.infer<typeof conceptSchema>;
export const conceptsFileSchema = z
  .object({ sources: z.array(sourceSchema).default([]), concepts: z.array(conceptSchema).min(1) })
  .strict();

export const sourcesFileSchema = z.object({ sources: z.array(sourceSchema).min(1) }).strict();

/** knowledge/catalogue.yaml: AWS services the matrix does not cover yet, so they are named as such. */
export const catalogueFileSchema = z
  .object({
    source: z.object({ title: z.string().min(3), url: z.string().url() }).strict(),
    services: z.array(z.object({ name: z.string().min(2), aliases: z.array(z.string().min(2)).default([]) }).strict()).min(1),
  })
  .strict();
export type CatalogueFile = z.infer<typeof catalogueFileSchema>;
export type UncoveredService = CatalogueFile['services'][number];

const phraseList = z.array(z.string().min(1)).default([]);

/** knowledge/lexicon.yaml: the domain's vocabulary, so that no word list lives in the engine. */
export const lexiconFileSchema = z
  .object({
    /** Groups of words meaning the same; the first is the canonical form. */
    synonyms: z.array(z.array(z.string().min(1)).min(2)).default([]),
    /** Tool service id -> the area naming it suggests. */
    tools: z.record(id, id).default({}),
    implied: z.array(z.object({ service: id, phrases: z.array(z.string().min(2)).min(1) }).strict()).default([]),
    examples: z.array(id).default([]),
    'engine-words': phraseList,
    'os-words': phraseList,
    'engine-area': id.optional(),
    'os-area': id.optional(),
    'weak-keywords': phraseList,
    'common-words': phraseList,
    'weak-aliases': phraseList,
    'broad-areas': z.array(id).default([]),
    'area-fallbacks': z.array(z.object({ from: id, to: id }).strict()).default([]),
    'compare-areas': z.array(id).default([]),
    /** Areas one generic word names together ("patching" on RDS: the OS and the engine). */
    'area-families': z.array(z.array(id).min(2)).default([]),
    'facility-area': id.optional(),
    'aws-managed-markers': phraseList,
    'provider-actions': phraseList,
    'light-verbs': phraseList.default([]),
    /** Qualifiers that exclude each other ("required" / "optional" updates): a duty saying one is not about the other. */
    antonyms: z.array(z.tuple([z.string().min(2), z.string().min(2)])).default([]),
    /** Shorthand engineers type, word -> what it stands for ("grp" -> "group"), read before anything else. */
    abbreviations: z.record(z.string().regex(/^[a-z0-9]+$/), z.string().min(2)).default({}),
    'overview-order': z.array(id).default([]),
  })
  .strict();
export type Lexicon = z.infer<typeof lexiconFileSchema>;

/** knowledge/scope.yaml: the words that tell a task, advice or a request the bot declines. */
export const scopeFileSchema = z
  .object({
    'task-verbs': phraseList,
    'task-objects': phraseList,
    'text-tasks': phraseList,
    circumvention: phraseList,
    'foreign-owners': phraseList,
    stealth: phraseList,
    unauthorized: phraseList,
    'other-clouds': phraseList,
    'on-premises': phraseList,
    'unrelated-topics': phraseList,
    'finance-words': phraseList,
    'facility-words': phraseList,
    'facility-details': phraseList,
    'promise-words': phraseList,
    'legal-documents': phraseList,
    'domain-words': phraseList,
  })
  .strict();
export type ScopeWords = z.infer<typeof scopeFileSchema>;

/** knowledge/calibration.json, written by `whosecures eval --calibrate` (see engine/calibration.ts). */
export const CALIBRATION_FILE = 'calibration.json';
export const calibrationSchema = z
  .object({
    fittedOn: z.object({ questions: z.number().int(), sets: z.array(z.string()) }).strict(),
    bias: z.number(),
    weights: z.record(z.string(), z.number()),
    novelty: z
      .object({
        shift: z.number(),
        fittedOn: z.array(z.object({ set: z.string(), commit: z.string(), questions: z.number().int(), accuracy: z.number() }).strict()),
      })
      .strict()
      .optional(),
  })
  .strict();
