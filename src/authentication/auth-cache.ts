/**
 * Caches the result of token lookups so that an authenticated request costs no database round trip.
 *
 * It is only as good as its invalidation, so: triggers on `users` and `api_tokens` NOTIFY `tokengate_auth` on
 * every change that can affect authentication (revocation, expiry, deactivation, any user field), and a
 * listener clears the whole cache when one arrives, whichever process or tool made the change. Every domain
 * operation that can refuse a credential which worked before (revocation, deactivation, a password change)
 * also clears it in this process as soon as it commits (src/accounts/user-lock.ts), so such a change through this
 * server holds for the very next request. Issuing a token needs no clear: it was never cached. While the listener
 * is not connected the cache is bypassed, a generation counter keeps a lookup that raced a clear from storing a
 * stale result, and entries expire after a TTL anyway.
 */
import { Client } from 'pg';
import type { TokenLookup } from './token-lookup';

export const AUTH_CHANNEL = 'tokengate_auth';
const HEARTBEAT_MS = 5000;

interface Entry {
  lookup: TokenLookup;
  storedAt: number;
}

export class AuthCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private client: Client | null = null;
  private closed = false;
  /** An outage was reported and the listener has not connected since: later failed retries stay quiet. */
  private outageReported = false;
  private disconnect: () => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; channel?: string; timeoutMs?: number },
  ) {}

  /** The cached lookup for this token digest, if there is a fresh one; synchronous, for the hot path. */
  get(digest: string, now: Date): TokenLookup | undefined {
    const entry = this.client ? this.entries.get(digest) : undefined;
    if (entry && Date.now() - entry.storedAt < this.options.ttlMs && entry.lookup.token.expiresAt > now) {
      return entry.lookup;
    }
    return undefined;
  }

  /** The cached lookup for this token digest, or the loader's result (cached when it is a live token). */
  async lookup(
    digest: string,
    now: Date,
    load: () => Promise<TokenLookup | null>,
  ): Promise<TokenLookup | null> {
    const cached = this.get(digest, now);
    if (cached) return cached;
    const generation = this.generation;
    const loaded = await load();
    if (loaded && this.client && generation === this.generation && this.options.ttlMs > 0) {
      if (this.entries.size >= this.options.maxEntries)
        this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(digest, { lookup: loaded, storedAt: Date.now() });
    }
    return loaded;
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /**
   * Connects the invalidation listener. A failure, now or later, is retried every second and reported once per
   * outage (not once per retry); the cache is bypassed until the listener is back.
   */
  async listen(url: string, onError: (error: unknown) => void): Promise<void> {
    if (this.options.ttlMs === 0 || this.closed) return;
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const client = new Client({
      connectionString: url,
      application_name: 'tokengate auth cache',
      keepAlive: true,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    // A connection can die without a word (failover, a dropped network): probe it, and treat silence as loss.
    const heartbeat = setInterval(() => void client.query('select 1').catch(lost), HEARTBEAT_MS);
    heartbeat.unref();
    let ended: Promise<void> | null = null;
    const lost = (error?: unknown): Promise<void> => {
      if (ended) return ended;
      ended = client.end().catch(() => undefined);
      clearInterval(heartbeat);
      if (error && !this.closed && !this.outageReported) {
        this.outageReported = true;
        onError(error);
      }
      if (this.client === client) this.client = null;
      this.clear();
      if (!this.closed) setTimeout(() => void this.listen(url, onError), 1000).unref();
      return ended;
    };
    this.disconnect = () => lost();
    client.on('notification', () => this.clear());
    client.on('error', (error) => void lost(error));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel ?? AUTH_CHANNEL}`);
    } catch (error) {
      return lost(error);
    }
    client.on('end', () => void lost());
    if (this.closed) return lost();
    this.clear();
    this.client = client;
    this.outageReported = false;
  }

  close(): Promise<void> {
    this.closed = true;
    return this.disconnect();
  }
}
