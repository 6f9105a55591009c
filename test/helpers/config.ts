import { ConfigError, loadConfig } from '../../src/config';

/** The problems loadConfig names for an environment ([] when it is valid). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
