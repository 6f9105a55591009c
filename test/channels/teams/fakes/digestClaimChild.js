// One replica's digest checks, in a process of its own: opens the store on DATA_DIR (the same
// SQLite file as the other replica), waits for START_AT so both race, and claims each of WEEKS
// with the shared weekly-digest claim and the Teams digest job. Prints the outcomes as JSON.
const path = require('node:path');
const DIST = path.join(__dirname, '../../../../dist/src');
const { openStore } = require(path.join(DIST, 'store/open.js'));
const { queueWeeklyDigest } = require(path.join(DIST, 'curator/weeklyDigest.js'));
const { digestJob } = require(path.join(DIST, 'channels/teams/outbox/escalationJobs.js'));

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
(async () => {
  const store = await openStore({ dataDir: process.env.DATA_DIR });
  const weeks = JSON.parse(process.env.WEEKS);
  const startAt = Number(process.env.START_AT);
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 2));
  const results = [];
  for (const at of weeks) {
    results.push(
      await queueWeeklyDigest({ store, worker: { wake() {} }, logger: quiet, metrics: { errors: { inc() {} }, digests: { inc() {} } }, platform: 'teams', channel: process.env.CHANNEL, job: digestJob, now: () => new Date(at) }),
    );
  }
  await store.close();
  process.stdout.write(JSON.stringify(results));
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
