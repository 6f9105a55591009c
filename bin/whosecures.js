#!/usr/bin/env node
// The CLI runs from the compiled output; `npm ci` builds it (the prepare script).
// A .env in the current folder is read as `npm start` reads it (kb gaps and onboarding report
// find the store there); variables already set in the environment win.
require('dotenv').config({ quiet: true });
// A closed pipe (`whosecures eval | head`) is a normal way to stop reading, not an error.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
require('../dist/src/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.message ? err.message : err); process.exitCode = 1; },
);
