import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { load, CORE_SCHEMA } from 'js-yaml';
import type { ZodType } from 'zod';
import { KnowledgeError } from './errors';
import {
  areasFileSchema,
  catalogueFileSchema,
  lexiconFileSchema,
  scopeFileSchema,
  conceptsFileSchema,
  serviceFileSchema,
  sourcesFileSchema,
  type Source,
} from './schema';
import { GENERAL, type CalibrationData, type Cell, type KnowledgeBase, type Service } from './types';
import type { Area, Concept } from './schema';
import { calibrationSchema, CALIBRATION_FILE } from './schema';


/** The knowledge folder shipped with the package (works from src/ under ts-jest and from dist/src/). */
export function defaultKnowledgeDir(): string {
  for (const candidate of [resolve(__dirname, '../../knowledge'), resolve(__dirname, '../../../knowledge')]) {
    if (existsSync(join(candidate, 'areas.yaml'))) return candidate;
  }
  return resolve(process.cwd(), 'knowledge');
}

/** Reads one knowledge file and validates it; errors name the file and the entry. */
export function readKnowledgeFile<T>(dir: string, file: string, schema: ZodType<T>): T {
  const path = join(dir, file);
  let raw: unknown;
  try {
    raw = load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA, filename: file });
  } catch (err) {
    throw new KnowledgeError(file, [`cannot read or parse: ${(err as Error).message}`]);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new KnowledgeError(
      file,
      result.error.issues.map((issue) => `${describePath(raw, issue.path)}: ${issue.message}`),
    );
  }
  return result.data;
}

/** "cells[3] (area os-patching).summary" reads better than "cells.3.summary". */
function describePath(raw: unknown, path: PropertyKey[]): string {
  let node: unknown = raw;
  const parts: string[] = [];
  for (const key of path) {
    if (typeof key === 'number') {
      node = Array.isArray(node) ? node[key] : undefined;
      const label =
        node && typeof node === 'object'
          ? ((node as Record<string, unknown>).id ?? (node as Record<string, unknown>).area)
          : undefined;
      parts[parts.length - 1] += `[${key}]${label ? ` (${String(label)})` : ''}`;
    } else {
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
      parts.push(String(key));
    }
  }
  return parts.join('.') || '(file)';
}

function addSource(sources: Map<string, Source>, source: Source, file: string): void {
  const existing = sources.get(source.id);
  if (existing && existing.url !== source.url) {
    throw new KnowledgeError(file, [`source ${source.id} is already declared with another URL (${existing.url})`]);
  }
  sources.set(source.id, source);
}

/** Splits a shipped source into paragraphs: the non-empty lines after its `---` header line. */
export function sourceParagraphs(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.indexOf('---');
  return lines.slice(start + 1).filter((line) => line.trim() !== '');
}

export function loadKnowledge(dir: string = defaultKnowledgeDir()): KnowledgeBase {
  const areas = new Map<string, Area>();
  for (const area of readKnowledgeFile(dir, 'areas.yaml', areasFileSchema).areas) {
    if (areas.has(area.id)) throw new KnowledgeError('areas.yaml', [`area ${area.id} is declared twice`]);
    areas.set(area.id, area);
  }

  const sources = new Map<string, Source>();
  for (const source of readKnowledgeFile(dir, 'sources.yaml', sourcesFileSchema).sources) addSource(sources, source, 'sources.yaml');

  const concepts = new Map<string, Concept>();
  const conceptFile = readKnowledgeFile(dir, 'concepts.yaml', conceptsFileSchema);
  for (const source of conceptFile.sources) addSource(sources, source, 'concepts.yaml');
  for (const concept of conceptFile.concepts) concepts.set(concept.id, concept);

  const services = new Map<string, Service>();
  const cells = new Map<string, Cell>();
  const serviceFiles = ['general.yaml', ...readdirSync(join(dir, 'services')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `services/${f}`)];
  for (const file of serviceFiles) {
    const parsed = readKnowledgeFile(dir, file, serviceFileSchema);
    const { service } = parsed;
    if (services.has(service.id)) throw new KnowledgeError(file, [`service ${service.id} is declared twice (also in ${services.get(service.id)!.file})`]);
    services.set(service.id, { ...service, file });
    for (const source of parsed.sources) addSource(sources, source, file);
    for (const cell of parsed.cells) {
      const id = `${service.id}.${cell.area}`;
      if (cells.has(id)) throw new KnowledgeError(file, [`cell ${id} is declared twice`]);
      cells.set(id, { ...cell, id, service: service.id, file });
    }
  }

  const catalogue = readKnowledgeFile(dir, 'catalogue.yaml', catalogueFileSchema);
  const lexicon = readKnowledgeFile(dir, 'lexicon.yaml', lexiconFileSchema);
  const scope = readKnowledgeFile(dir, 'scope.yaml', scopeFileSchema);
  const calibration = readCalibration(dir);

  const sourceParagraphsById = new Map<string, string[]>();
  for (const source of sources.values()) {
    if (!source.file) continue;
    const path = join(dir, source.file);
    if (!existsSync(path)) throw new KnowledgeError('sources.yaml', [`source ${source.id}: file ${source.file} does not exist`]);
    sourceParagraphsById.set(source.id, sourceParagraphs(readFileSync(path, 'utf8')));
  }

  const byService = new Map<string, Cell[]>();
  for (const cell of cells.values()) {
    const list = byService.get(cell.service) ?? [];
    list.push(cell);
    byService.set(cell.service, list);
  }

  return {
    dir: relative(process.cwd(), dir) || '.',
    services,
    areas,
    cells,
    concepts,
    sources,
    lexicon,
    scope,
    calibration,
    uncovered: catalogue.services,
    uncoveredSource: catalogue.source,
    sourceParagraphs: sourceParagraphsById,
    generalCell: (areaId) => cells.get(`${GENERAL}.${areaId}`),
    cell: (serviceId, areaId) => cells.get(`${serviceId}.${areaId}`),
    cellsOf: (serviceId) => byService.get(serviceId) ?? [],
  };
}

/** The calibration is optional: without it answers carry their raw scores. */
function readCalibration(dir: string): CalibrationData | undefined {
  const path = join(dir, CALIBRATION_FILE);
  if (!existsSync(path)) return undefined;
  const parsed = calibrationSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new KnowledgeError(CALIBRATION_FILE, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}
