import { benchEngine } from './engine';
import { benchLlm } from './llm';
import { benchOutbox } from './outbox';
import { benchSlack, benchSlackVsBolt } from './slack';
import { benchStore } from './store';
import { benchTeams } from './teams';

/**
 * `npm run bench`: every benchmark in turn, printed as "name value" lines. Targets (issue text):
 * answer p99 < 5 ms, knowledge base load < 300 ms; see each section for its own.
 */
const suites: Array<[string, () => Promise<Record<string, number | string>>]> = [
  ['engine', benchEngine],
  ['store', benchStore],
  ['slack', benchSlack],
  ['outbox', benchOutbox],
  ['slack_vs_bolt', benchSlackVsBolt],
  ['teams', benchTeams],
  ['llm', benchLlm],
];

async function main(): Promise<void> {
  const only = process.argv[2];
  for (const [name, run] of suites) {
    if (only && only !== name) continue;
    process.stdout.write(`# ${name}\n`);
    try {
      const figures = await run();
      for (const [key, value] of Object.entries(figures)) {
        process.stdout.write(`${key.padEnd(44)} ${typeof value === 'number' ? Number(value.toFixed(3)) : value}\n`);
      }
    } catch (err) {
      process.stdout.write(`${name}: failed: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}

void main();
