import type { Worker } from 'node:worker_threads';
import { BcryptPool } from '../../src/accounts/bcrypt-pool';

/** The pool's private state, reached into to stop a worker as a crash would. */
interface PoolInternals {
  all: Worker[];
  idle: Worker[];
  busy: Map<Worker, unknown>;
}

function internalsOf(pool: BcryptPool): PoolInternals {
  return pool as unknown as PoolInternals;
}

function busyWorkerOf(pool: BcryptPool): Worker {
  const [worker] = internalsOf(pool).busy.keys();
  if (!worker) throw new Error('no worker is busy');
  return worker;
}

/** The promise's outcome, or a rejection saying it was still pending after `ms`. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** About 1.6 s of bcrypt here: keeps a worker busy while the test acts. */
const SLOW_COST = 14;
const FAST_COST = 4;

/** Hashes and compares on every worker at once: a dead worker left in the pool would keep one pending. */
async function expectAllWorkersServe(pool: BcryptPool, size: number) {
  const passwords = Array.from({ length: size }, (_, i) => `password ${i}`);
  const hashes = await within(5000, Promise.all(passwords.map((password) => pool.hash(password, FAST_COST))));
  const matches = await within(5000, Promise.all(hashes.map((hash, i) => pool.compare(passwords[i]!, hash))));
  expect(matches).toEqual(passwords.map(() => true));
  expect(await within(5000, pool.compare('another password', hashes[0]!))).toBe(false);
  expectIdleWorkers(pool, size);
}

/** With no work left: `size` running workers, each known to the pool once and waiting for work. */
function expectIdleWorkers(pool: BcryptPool, size: number) {
  const { all, idle, busy } = internalsOf(pool);
  expect(all).toHaveLength(size);
  expect(new Set(all).size).toBe(size);
  expect(idle).toHaveLength(size);
  expect(idle.every((worker) => all.includes(worker))).toBe(true);
  expect(busy.size).toBe(0);
  expect(all.every((worker) => worker.threadId !== -1)).toBe(true);
}

describe('BcryptPool', () => {
  let pool: BcryptPool;
  beforeEach(() => {
    pool = new BcryptPool(2);
  });
  afterEach(() => pool.close());

  it('hashes and compares on every worker', async () => {
    await expectAllWorkersServe(pool, 2);
  });

  it('fails the job of a worker that exits mid-job, and replaces the worker', async () => {
    const job = pool.hash('password', SLOW_COST);
    const crashed = busyWorkerOf(pool);
    await crashed.terminate();
    await expect(within(1000, job)).rejects.toThrow('A password hashing worker crashed.');
    expect(internalsOf(pool).all.includes(crashed)).toBe(false);
    await expectAllWorkersServe(pool, 2);
  });

  it('replaces a worker once when it reports an uncaught error and then exits', async () => {
    const job = pool.hash('password', SLOW_COST);
    const crashed = busyWorkerOf(pool);
    // What Node does when code in a worker throws and nothing catches it: 'error', then the thread stops.
    crashed.emit('error', new Error('uncaught in the worker'));
    await crashed.terminate();
    await expect(within(1000, job)).rejects.toThrow('A password hashing worker crashed.');
    await expectAllWorkersServe(pool, 2);
  });

  it('replaces an idle worker that exits', async () => {
    const [idle] = internalsOf(pool).idle;
    await idle!.terminate();
    expect(internalsOf(pool).all.includes(idle!)).toBe(false);
    await expectAllWorkersServe(pool, 2);
  });
});

describe('BcryptPool.close', () => {
  it('rejects the jobs still waiting for a worker', async () => {
    const pool = new BcryptPool(1);
    pool.hash('first', SLOW_COST).catch(() => undefined);
    const queued = pool.hash('second', FAST_COST);
    await pool.close();
    await expect(within(1000, queued)).rejects.toThrow('The password hasher was closed.');
  });

  it('stops every worker, a busy one too, and starts no new one', async () => {
    const pool = new BcryptPool(2);
    const workers = [...internalsOf(pool).all];
    pool.hash('first', SLOW_COST).catch(() => undefined);
    await pool.close();
    const { all } = internalsOf(pool);
    expect(all).toHaveLength(workers.length);
    expect(all.every((worker) => workers.includes(worker))).toBe(true);
    expect(workers.every((worker) => worker.threadId === -1)).toBe(true);
  });
});
