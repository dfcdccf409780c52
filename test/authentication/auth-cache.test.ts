import { Client } from 'pg';
import { AuthCache } from '../../src/authentication/auth-cache';
import { type ActiveToken, principalFromRow } from '../../src/authentication/principal';
import type { TokenLookup } from '../../src/authentication/token-lookup';
import { TokenKind } from '../../src/entities/api-token.entity';
import { testDatabaseUrl } from '../support/test-database';
import { until } from '../support/until';

const NOW = new Date('2026-06-01T00:00:00Z');
const HOUR = 60 * 60 * 1000;
let channelCounter = 0;

function lookup(id: number, expiresAt = new Date(NOW.getTime() + HOUR)): TokenLookup {
  const token: ActiveToken = { id, kind: TokenKind.LOGIN, expiresAt, lastUsedAt: null };
  const user = principalFromRow({
    id,
    username: `u${id}`,
    email: '',
    password: '!',
    is_active: true,
    is_staff: false,
    is_superuser: false,
    date_joined: NOW.toISOString(),
    last_login: null,
  });
  return { user, token, recipient: null };
}

async function listeningCache(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const channel = `tokengate_cache_test_${process.pid}_${(channelCounter += 1)}`;
  const cache = new AuthCache({
    ttlMs: options.ttlMs ?? 10_000,
    maxEntries: options.maxEntries ?? 100,
    channel,
  });
  const errors: unknown[] = [];
  await cache.listen(testDatabaseUrl(), (error) => errors.push(error));
  return { cache, channel, errors };
}

async function sql(query: string, params: unknown[] = []) {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await client.query(query, params);
  } finally {
    await client.end();
  }
}

describe('AuthCache', () => {
  it('serves a live lookup from memory after the first load', async () => {
    const { cache } = await listeningCache();
    try {
      const load = jest.fn(() => Promise.resolve(lookup(1)));
      await cache.lookup('d1', NOW, load);
      expect(await cache.lookup('d1', NOW, load)).toEqual(lookup(1));
      expect(load).toHaveBeenCalledTimes(1);
      expect(cache.get('d1', NOW)).toEqual(lookup(1));
      expect(cache.get('other', NOW)).toBeUndefined();
    } finally {
      await cache.close();
    }
  });

  it('does not keep a lookup whose load raced a clear', async () => {
    const { cache } = await listeningCache();
    try {
      let finish: (value: TokenLookup) => void = () => undefined;
      const pending = cache.lookup(
        'd1',
        NOW,
        () => new Promise<TokenLookup>((resolve) => (finish = resolve)),
      );
      cache.clear(); // a revocation committed while the database was being asked
      finish(lookup(1));
      await pending;
      expect(cache.get('d1', NOW)).toBeUndefined();
    } finally {
      await cache.close();
    }
  });

  it('clears on a NOTIFY on its channel', async () => {
    const { cache, channel } = await listeningCache();
    try {
      await cache.lookup('d1', NOW, () => Promise.resolve(lookup(1)));
      await sql('select pg_notify($1, $2)', [channel, '']);
      await until(() => cache.get('d1', NOW) === undefined);
    } finally {
      await cache.close();
    }
  });

  it('never serves a token past its expiry, an entry past its TTL, or more than maxEntries', async () => {
    const { cache } = await listeningCache({ ttlMs: 100, maxEntries: 2 });
    try {
      await cache.lookup('short', NOW, () => Promise.resolve(lookup(1, new Date(NOW.getTime() + 1000))));
      expect(cache.get('short', new Date(NOW.getTime() + 1000))).toBeUndefined();

      await cache.lookup('a', NOW, () => Promise.resolve(lookup(2)));
      await cache.lookup('b', NOW, () => Promise.resolve(lookup(3)));
      await cache.lookup('c', NOW, () => Promise.resolve(lookup(4)));
      expect(cache.get('a', NOW)).toBeUndefined();
      expect(cache.get('c', NOW)).toBeDefined();
      await until(() => cache.get('c', NOW) === undefined, 1000); // the 100 ms TTL runs out
    } finally {
      await cache.close();
    }
  });

  it('is bypassed while its listener is disconnected, and reconnects', async () => {
    const { cache, channel, errors } = await listeningCache();
    try {
      await cache.lookup('d1', NOW, () => Promise.resolve(lookup(1)));
      await sql("select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN ' || $1", [
        channel,
      ]);
      await until(() => errors.length > 0);
      expect(cache.get('d1', NOW)).toBeUndefined();
      const load = jest.fn(() => Promise.resolve(lookup(1)));
      await cache.lookup('d1', NOW, load);
      expect(cache.get('d1', NOW)).toBeUndefined(); // not stored while nobody would tell it about revocations
      await until(async () => {
        await cache.lookup('d1', NOW, load);
        return cache.get('d1', NOW) !== undefined;
      });
    } finally {
      await cache.close();
    }
  });

  it('reports an outage once, not at every retry, and again after it has reconnected', async () => {
    const cache = new AuthCache({ ttlMs: 10_000, maxEntries: 10, timeoutMs: 500 });
    const connect = jest.spyOn(Client.prototype, 'connect');
    const errors: unknown[] = [];
    try {
      await cache.listen('postgres://nobody@127.0.0.1:1/nothing', (error) => errors.push(error));
      await until(() => connect.mock.calls.length >= 3, 10_000);
      expect(errors).toHaveLength(1);
    } finally {
      connect.mockRestore();
      await cache.close();
    }

    const { cache: listening, channel, errors: outages } = await listeningCache();
    try {
      for (const expected of [1, 2]) {
        await sql("select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN ' || $1", [
          channel,
        ]);
        await until(() => outages.length === expected);
        // Back (it stores entries again only once it listens): the next outage is a new one, and is reported.
        await until(async () => {
          await listening.lookup('d1', NOW, () => Promise.resolve(lookup(1)));
          return listening.get('d1', NOW) !== undefined;
        });
      }
    } finally {
      await listening.close();
    }
  });

  it('caches nothing when its TTL is 0', async () => {
    const cache = new AuthCache({ ttlMs: 0, maxEntries: 10 });
    await cache.listen(testDatabaseUrl(), () => undefined);
    const load = jest.fn(() => Promise.resolve(lookup(1)));
    await cache.lookup('d1', NOW, load);
    await cache.lookup('d1', NOW, load);
    expect(load).toHaveBeenCalledTimes(2);
    await cache.close();
  });
});
