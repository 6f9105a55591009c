// Lint for the whole codebase: typescript-eslint's recommended rules, plus the dependency
// direction of the architecture (channels -> conversation -> engine -> knowledge; phrasing beside
// the engine, never imported by it), enforced with no-restricted-imports per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The folders under src/channels/ that are channels: a new channel adds its name here. */
const CHANNELS = ['slack', 'teams'];

const noImport = (...patterns) => ['error', { patterns: patterns.map(([group, message]) => ({ group, message })) }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // Closures that read a binding assigned later (a server handler and the server it belongs to) need `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/knowledge/**/*.ts'],
    rules: { 'no-restricted-imports': noImport([['**/engine/**', '**/engine'], 'knowledge is read by the engine, never the other way'], [['**/phrasing/**', '**/channels/**'], 'knowledge knows nothing of phrasing or channels']) },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': noImport([['**/phrasing/**', '**/phrasing'], 'phrasing sits beside the engine: the engine never imports it'], [['**/channels/**', '**/conversation/**', '**/server/**', '**/store/**', '**/outbox/**'], 'the engine is pure: no channels, conversation, server, store or outbox']) },
  },
  {
    files: ['src/phrasing/**/*.ts'],
    rules: { 'no-restricted-imports': noImport([['**/channels/**', '**/server/**'], 'phrasing knows nothing of channels']) },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': noImport([['**/engine/**', '**/phrasing/**', '**/channels/**', '**/conversation/**'], 'the store keeps rows: it knows no engine, phrasing, channel or assistant']) },
  },
  {
    files: ['src/conversation/**/*.ts'],
    rules: { 'no-restricted-imports': noImport([['**/channels/**'], 'the assistant serves every channel and knows none of them']) },
  },
  {
    // What the channels share (channel.ts, the reply flow): only the registry, channels/index.ts, names a channel.
    files: ['src/channels/*.ts'],
    ignores: ['src/channels/index.ts'],
    rules: { 'no-restricted-imports': noImport([CHANNELS.flatMap((channel) => [`**/${channel}`, `**/${channel}/**`]), 'what every channel shares knows no channel']) },
  },
  {
    files: ['src/outbox/**/*.ts'],
    rules: { 'no-restricted-imports': noImport([['**/channels/**', '**/conversation/**', '**/engine/**', '**/phrasing/**'], 'the outbox keeps and sends jobs: it knows no channel, assistant, engine or phrasing']) },
  },
  // Each channel folder: no other channel, and only its own settings (never loadConfig).
  ...CHANNELS.map((channel) => ({
    files: [`src/channels/${channel}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: CHANNELS.filter((other) => other !== channel).flatMap((other) => [`**/${other}`, `**/${other}/**`]), message: 'a channel knows no other channel' },
            { group: ['**/config'], importNames: ['loadConfig', 'envSchema'], message: 'a channel reads only its own settings (ChannelDeps.settings, built in src/app.ts)' },
          ],
        },
      ],
    },
  })),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    // Tests read terminal output, escape sequences included.
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'no-control-regex': 'off' },
  },
);
