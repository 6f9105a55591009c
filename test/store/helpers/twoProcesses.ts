import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';

interface WorkerResult {
  won: string[];
}

function startWorker(id: number, env: Record<string, string>): { child: ChildProcessWithoutNullStreams; ready: Promise<void>; done: Promise<WorkerResult> } {
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'register-ts.js'), path.join(__dirname, 'claimWorker.ts')], {
    env: { ...process.env, ...env, WORKER_ID: String(id) },
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  // 'close', not 'exit': the child's stdio pipes are closed too by then, so no handle of it
  // outlives the test (a pipe still open at teardown keeps the jest worker from exiting cleanly).
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as WorkerResult);
      else reject(new Error(`worker ${id} exited ${code}: ${err}`));
    });
  });
  return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
}

/** Two processes open the same store at once (racing migrations too), then claim together. */
export async function claimFromTwoProcesses(env: Record<string, string>): Promise<WorkerResult[]> {
  const workers = [startWorker(0, env), startWorker(1, env)];
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.stdin.write('go\n');
  return Promise.all(workers.map((w) => w.done));
}
