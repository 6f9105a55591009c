// Loaded with `node -r` into the compiled bot by test/outbox/onboardingFaults.test.ts:
// - plants the outbound Bot Framework token (as the e2e tests do in process), so an
//   authenticated bot can post to the fake connector without Entra;
// - sweeps for due lessons every 300 ms instead of every 5 minutes;
// - with FAULT_SIGKILL_AT_ONBOARDING_JOB=n, the process SIGKILLs itself while the n-th Teams
//   onboarding job is being written, after that delivery's claims and progress: the crash
//   window between "decided to send lesson N" and "queued".
const { isMainThread } = require('node:worker_threads');
const path = require('node:path');

if (isMainThread) {
  const dist = path.join(__dirname, '../../../dist/src');
  const { AppCredentials } = require('botframework-connector');
  AppCredentials.cache.set(`${process.env.MicrosoftAppId}https://api.botframework.com-cache`, {
    accessToken: process.env.FAULT_OUTBOUND_TOKEN,
    expiresOn: new Date(Date.now() + 3600_000),
  });

  require(path.join(dist, 'channels/teams/index.js')).LESSON_SWEEP_MS = 300;

  const killAt = Number(process.env.FAULT_SIGKILL_AT_ONBOARDING_JOB || 0);
  if (killAt > 0) {
    const { SqliteDriver } = require(path.join(dist, 'store/sqlite.js'));
    const allNow = SqliteDriver.prototype.allNow;
    let seen = 0;
    SqliteDriver.prototype.allNow = function (sql, params) {
      if (sql.includes('INSERT INTO outbox_jobs') && params[1] === 'teams.onboarding' && ++seen === killAt) {
        process.stdout.write(`${JSON.stringify({ event: 'fault_sigkill', at: 'onboarding_job_insert', n: seen })}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      return allNow.call(this, sql, params);
    };
  }
}
