/**
 * `npm run bench`: requests per second of the real server (`dist/src/server.js` on its own embedded PostgreSQL)
 * under autocannon, for an anonymous `{ __typename }`, `me` with a Token header, `login`, and `me` while logins run
 * at the same time (a login must not cost other requests their cache or their latency), and `me` while 64 clients
 * flood `login` with wrong passwords for ever new usernames, past the bcrypt queue (from one address, as if from
 * many: the bench raises the per-address throttle out of the way). The server runs in
 * its own process; on a 2-core machine it shares the CPU with the load generator, so compare ratios.
 * The two throughput runs alternate for BENCH_ROUNDS rounds (default 3) and the medians are compared, which keeps
 * the ratio steady on a busy machine. BENCH_SECONDS sets each run's length (default 5), BENCH_CONNECTIONS the
 * concurrent connections (default 10).
 */
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, waitForReady } from './server-process';

const ROOT = path.resolve(__dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PASSWORD = 'benchmark password';

async function main() {
  const dataDir = path.join(ROOT, '.data/bench');
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    DATABASE_URL: '',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    // The flood below comes from 127.0.0.1 only; a real one from many addresses gets past the per-address limit.
    LOGIN_FAILURES_PER_ADDRESS: '1000000',
  };
  const server = spawn(process.execPath, [path.join(ROOT, 'dist/src/server.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { url } = await waitForReady(server);
  try {
    const username = `bench_${Date.now()}`;
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'dist/src/cli/manage.js'), 'createuser', '--username', username, '--no-input'],
      {
        env: { ...env, TOKENGATE_PASSWORD: PASSWORD },
      },
    );
    const loginBody = JSON.stringify({
      query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      variables: { u: username, p: PASSWORD },
    });
    const token = await logIn(url, loginBody);

    console.log(
      `tokengate bench: ${ROUNDS} rounds of ${SECONDS} s per run, ${CONNECTIONS} connections, Node ${process.version}\n`,
    );
    const meBody = JSON.stringify({ query: '{ me { id username } }' });
    let meAlone: Measured = { rate: 0, p99: 0 };
    const anonymous: number[] = [];
    const me: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const anonymousBody = JSON.stringify({ query: '{ __typename }' });
      anonymous.push((await measure(`anonymous { __typename } #${round}`, url, anonymousBody, {})).rate);
      const meRound = await measure(`me with Token header #${round}`, url, meBody, {
        authorization: `Token ${token}`,
      });
      me.push(meRound.rate);
      meAlone = meRound;
    }
    await measure('login (bcrypt cost 12)', url, loginBody, {});
    const duringLogins = await measureWhile(
      'me while 4 clients log in nonstop',
      { url, body: meBody, headers: { authorization: `Token ${token}` } },
      { url, body: loginBody, connections: 4 },
    );
    // Every attempt is for another, unknown user, so no account lock stops it before bcrypt: once as a script
    // sends it (one document, the username in a variable), once with the username written into each document,
    // which also costs the server a parse and a validation per attempt.
    const runId = Date.now();
    let attempt = 0;
    const nextUsername = () => `flood_${runId}_${(attempt += 1)}`;
    const floods = {
      variables: () =>
        JSON.stringify({
          query: 'mutation($u: String!) { login(username: $u, password: "guess") { token } }',
          variables: { u: nextUsername() },
        }),
      inline: () =>
        JSON.stringify({
          query: `mutation { login(username: "${nextUsername()}", password: "guess") { token } }`,
        }),
    };
    const flooded: Record<string, Measured & { background: string }> = {};
    for (const [kind, body] of Object.entries(floods)) {
      flooded[kind] = await measureWhile(
        `me during a login flood (${kind})`,
        { url, body: meBody, headers: { authorization: `Token ${token}` } },
        { url, body, connections: 64 },
      );
    }
    const ratio = median(me) / median(anonymous);
    console.log(`\nmedian anonymous { __typename }: ${median(anonymous).toFixed(0)} req/s`);
    console.log(`median me with Token header:     ${median(me).toFixed(0)} req/s`);
    console.log(`authenticated me / anonymous:    ${(ratio * 100).toFixed(1)}% (target: 90% or more)`);
    console.log(
      `me during logins / me alone:     ${((duringLogins.rate / median(me)) * 100).toFixed(1)}% (bcrypt runs on the worker threads, which share the 2 cores)`,
    );
    for (const [kind, result] of Object.entries(flooded)) {
      console.log(
        `me during a login flood (${kind}): ${result.rate.toFixed(0)} req/s, p99 ${result.p99} ms, p99 alone ${meAlone.p99} ms (64 clients; the flood's answers: ${result.background})`,
      );
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

interface Measured {
  rate: number;
  p99: number;
}

async function measure(
  label: string,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<Measured> {
  const options = {
    url: `${url}/graphql`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, connection pools, caches
  const result = await autocannon({ ...options, duration: SECONDS });
  const failures = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${label.padEnd(34)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms${failures ? `   FAILURES: ${failures}` : ''}`,
  );
  if (failures) throw new Error(`${label}: ${failures} requests failed`);
  return { rate: result.requests.average, p99: result.latency.p99 };
}

/** `me` while a second load runs against the same server for the whole measurement. */
async function measureWhile(
  label: string,
  target: { url: string; body: string; headers: Record<string, string> },
  background: { url: string; body: string | (() => string); connections: number },
): Promise<Measured & { background: string }> {
  const { body } = background;
  const nextBody = typeof body === 'string' ? () => body : body;
  const load = autocannon({
    url: `${background.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // A body made for each request (setupRequest runs once per request sent).
    requests: [{ setupRequest: (request: object) => ({ ...request, body: nextBody() }) }],
    connections: background.connections,
    duration: SECONDS + 3,
  });
  const result = await measure(label, target.url, target.body, target.headers);
  const logins = await load;
  const answers = Object.entries(logins.statusCodeStats ?? {})
    .map(([status, { count }]) => `${count ?? 0} × ${status}`)
    .join(', ');
  console.log(
    `${'  the logins meanwhile'.padEnd(34)} ${logins.requests.average.toFixed(1).padStart(7)} req/s   p99 ${logins.latency.p99} ms   (${answers})`,
  );
  return { ...result, background: answers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function logIn(url: string, body: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const result = (await response.json()) as { data?: { login?: { token: string } } };
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result)}`);
  return result.data.login.token;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
