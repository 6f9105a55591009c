import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import yaml from 'js-yaml';

/**
 * docker-compose.yml as Compose reads it, for what the replicas get: YAML with merge keys,
 * `${VAR:-default}` interpolation from the shell and the project's `.env`, env_file then
 * environment.
 */

export interface ComposeService {
  build?: string | { context?: string };
  image?: string;
  env_file?: string | Array<string | { path: string; required?: boolean }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  read_only?: boolean;
  healthcheck?: { test?: string[] | string };
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export function loadCompose(path: string): ComposeFile {
  const doc = yaml.load(readFileSync(path, 'utf8')) as ComposeFile;
  if (!doc || typeof doc !== 'object' || !doc.services) throw new Error(`${path}: no services`);
  return doc;
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, $$ for a dollar; others refused. */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$\{[^}]*\}/g, (whole, name: string | undefined, op: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    if (name === undefined) throw new Error(`interpolation ${whole} is not supported here`);
    const v = vars[name];
    if (op === ':-') return v ? v : fallback ?? '';
    if (op === '-') return v !== undefined ? v : fallback ?? '';
    return v ?? '';
  });
}

/** The env_file entries of a service in their long form. */
export function envFiles(service: ComposeService): Array<{ path: string; required: boolean }> {
  const list = service.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];
  return list.map((e) => (typeof e === 'string' ? { path: e, required: true } : { path: e.path, required: e.required ?? true }));
}

/** The project's `.env` (Compose's interpolation source) as a map; none when the file is absent. */
export function projectDotenv(projectDir: string): Record<string, string> {
  const path = join(projectDir, '.env');
  return existsSync(path) ? parseDotenv(readFileSync(path, 'utf8')) : {};
}

/**
 * The environment Compose gives a service's container on top of the image's ENV: each env_file
 * in order (a missing optional one skipped), then `environment`, interpolated with the shell's
 * variables over the project's `.env`.
 */
export function serviceEnvironment(service: ComposeService, projectDir: string, shell: Record<string, string | undefined> = {}): Record<string, string> {
  const vars = { ...projectDotenv(projectDir), ...shell };
  const env: Record<string, string> = {};
  for (const file of envFiles(service)) {
    const path = join(projectDir, file.path);
    if (!existsSync(path)) {
      if (file.required) throw new Error(`env file ${file.path} not found`);
      continue;
    }
    Object.assign(env, parseDotenv(readFileSync(path, 'utf8')));
  }
  const entries: Array<[string, string]> = Array.isArray(service.environment)
    ? service.environment.map((e) => {
        const eq = e.indexOf('=');
        return eq < 0 ? [e, vars[e] ?? ''] : [e.slice(0, eq), e.slice(eq + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? vars[k] ?? '' : String(v)]);
  for (const [k, v] of entries) env[k] = interpolate(v, vars);
  return env;
}

/** The services built from this repository's Dockerfile: the bot replicas. */
export function builtServices(compose: ComposeFile): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
}
