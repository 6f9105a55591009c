#!/usr/bin/env node
// The CLI runs from the compiled output; `npm ci` builds it (the prepare script).
require('../dist/src/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.message ? err.message : err); process.exitCode = 1; },
);
