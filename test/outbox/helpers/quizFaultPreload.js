// Loaded with `node -r` into the compiled bot by test/outbox/slackQuizFaults.test.ts:
// with FAULT_SIGKILL_AFTER_QUIZ_ANSWER=1, the process SIGKILLs itself as soon as the store has
// committed a quiz answer (the answer and its score are durable), before anything else of that
// click runs: the crash window between "recorded the answer" and "replied with its grade".
const { isMainThread } = require('node:worker_threads');
const path = require('node:path');

if (isMainThread && process.env.FAULT_SIGKILL_AFTER_QUIZ_ANSWER === '1') {
  const dist = path.join(__dirname, '../../../dist/src');
  const { SqlStore } = require(path.join(dist, 'store/sqlStore.js'));
  const commitProgress = SqlStore.prototype.commitProgress;
  SqlStore.prototype.commitProgress = async function (commit) {
    const result = await commitProgress.call(this, commit);
    const committed = result === true || (typeof result === 'object' && result !== null && result.ok === true);
    if (commit.answer && committed) {
      process.stdout.write(`${JSON.stringify({ event: 'fault_sigkill', at: 'quiz_answer_committed' })}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    return result;
  };
}
