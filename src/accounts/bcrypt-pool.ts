/**
 * bcryptjs is pure JavaScript: even its async API runs on the calling thread, so a burst of logins at cost 12
 * (about 0.4 s each here) would stall every other request. This pool runs it on worker threads. Workers are
 * referenced only while they have work, so an idle pool never keeps a CLI command alive.
 */
import { Worker } from 'node:worker_threads';

type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };

interface Pending {
  job: Job;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
});
`;

export class BcryptPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly all: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.addWorker();
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run({ op: 'hash', password, cost }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ op: 'compare', password, hash }) as Promise<boolean>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((worker) => worker.terminate()));
    for (const pending of this.queue.splice(0)) pending.reject(new Error('The password hasher was closed.'));
  }

  /** Jobs waiting for a free worker. */
  get waiting(): number {
    return this.queue.length;
  }

  private run(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch() {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.job);
    }
  }

  private addWorker() {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: { result?: string | boolean; error?: string }) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if (reply.error !== undefined) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.result!);
      this.dispatch();
    });
    // A worker that dies is replaced, and the caller of its job gets an error instead of waiting forever. An
    // uncaught error fires 'error' and then 'exit'; terminate() and a hard crash fire only 'exit'.
    worker.on('error', () => this.retire(worker));
    worker.on('exit', () => this.retire(worker));
    this.all.push(worker);
    this.idle.push(worker);
  }

  private retire(worker: Worker) {
    if (this.closed || !this.all.includes(worker)) return;
    this.all.splice(this.all.indexOf(worker), 1);
    if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
    this.busy.get(worker)?.reject(new Error('A password hashing worker crashed.'));
    this.busy.delete(worker);
    this.addWorker();
    this.dispatch();
  }
}
