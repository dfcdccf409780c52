import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BcryptPool } from '../../src/accounts/bcrypt-pool';
import { PasswordHasher } from '../../src/accounts/passwords';

/** A real Django REST Framework export, in the read-only shared folder beside the checkout (see its README). */
const DRF_FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/drf');

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(DRF_FIXTURES, name), 'utf8')) as T;
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(10, 2);
  afterAll(() => hasher.close());

  it("encodes hashes in Django's bcrypt_sha256 format at the configured cost", async () => {
    const encoded = await hasher.hash('s3cret-pass');
    expect(encoded).toMatch(/^bcrypt_sha256\$\$2[ab]\$10\$[./A-Za-z0-9]{53}$/);
    expect(await hasher.verify('s3cret-pass', encoded)).toEqual({ valid: true, needsRehash: false });
    expect(await hasher.verify('s3cret-pasS', encoded)).toEqual({ valid: false, needsRehash: false });
  });

  it('counts every byte: passwords equal in their first 72 bytes do not match', async () => {
    const encoded = await hasher.hash(`${'a'.repeat(72)}X`);
    expect((await hasher.verify(`${'a'.repeat(72)}Y`, encoded)).valid).toBe(false);
    expect((await hasher.verify(`${'a'.repeat(72)}X`, encoded)).valid).toBe(true);
    const multibyte = await hasher.hash(`${'é'.repeat(36)}1`);
    expect((await hasher.verify(`${'é'.repeat(36)}2`, multibyte)).valid).toBe(false);
  });

  it('asks for a rehash when the configured cost changed', async () => {
    const stronger = new PasswordHasher(11, 1);
    try {
      const encoded = await hasher.hash('s3cret-pass');
      expect(await stronger.verify('s3cret-pass', encoded)).toEqual({ valid: true, needsRehash: true });
      expect(await stronger.verify('wrong', encoded)).toEqual({ valid: false, needsRehash: false });
    } finally {
      await stronger.close();
    }
  });

  it('refuses unusable, unknown and truncated hashes', async () => {
    const encoded = await hasher.hash('s3cret-pass');
    for (const stored of [
      null,
      '!',
      '!abc',
      'md5$salt$hash',
      encoded.slice(0, -1),
      encoded.replace('bcrypt_sha256$', ''),
    ]) {
      expect(await hasher.verify('s3cret-pass', stored)).toEqual({ valid: false, needsRehash: false });
    }
  });

  it('runs bcrypt off the event loop: a burst of cost-12 hashes does not stall other work', async () => {
    const heavy = new PasswordHasher(12, 2);
    try {
      let worstGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        worstGap = Math.max(worstGap, now - last);
        last = now;
      }, 5);
      const started = performance.now();
      await Promise.all(Array.from({ length: 6 }, (_, i) => heavy.hash(`password ${i}`)));
      const elapsed = performance.now() - started;
      clearInterval(ticker);
      // One cost-12 hash takes ~0.4 s of CPU; on the event loop each would freeze it for that long.
      expect(elapsed).toBeGreaterThan(500);
      expect(worstGap).toBeLessThan(250);
    } finally {
      await heavy.close();
    }
  });

  it('accepts a bcrypt_sha256 hash made by Django, and asks to rehash it at another cost', async () => {
    const dump =
      readFixture<{ model: string; fields: { username?: string; password?: string } }[]>('dumpdata.json');
    const { users } = readFixture<{ users: Record<string, string | null> }>('passwords-and-tokens.json');
    const stored = dump.find((row) => row.model === 'auth.user' && row.fields.username === 'devfix_bob')
      ?.fields.password;
    const password = users.devfix_bob!;
    expect(stored).toMatch(/^bcrypt_sha256\$\$2b\$12\$/);
    expect(password).toBe('bcrypt-sha256 påsswörd ✓');

    expect(await hasher.verify(password, stored!)).toEqual({ valid: true, needsRehash: true });
    expect(await hasher.verify('bcrypt-sha256 passwort ✓', stored!)).toEqual({
      valid: false,
      needsRehash: false,
    });
    expect(await hasher.verify(password.normalize('NFD'), stored!)).toEqual({
      valid: false,
      needsRehash: false,
    });
  });
});

describe('the dummy hash for unknown users', () => {
  it('is computed again after a failed attempt instead of failing every later check', async () => {
    const hasher = new PasswordHasher(10, 1);
    try {
      const hash = jest
        .spyOn(BcryptPool.prototype, 'hash')
        .mockRejectedValueOnce(new Error('worker crashed'));
      await expect(hasher.verify('anything', null)).rejects.toThrow('worker crashed');
      expect(await hasher.verify('anything', null)).toEqual({ valid: false, needsRehash: false });
      expect(hash).toHaveBeenCalledTimes(2);
    } finally {
      jest.restoreAllMocks();
      await hasher.close();
    }
  });
});

describe('a full password queue', () => {
  it('refuses more work at once with 503 SERVICE_UNAVAILABLE and Retry-After instead of queueing it', async () => {
    const hasher = new PasswordHasher(10, 1, 1);
    try {
      const stored = await hasher.hash('a long enough password');
      const running = hasher.verify('a long enough password', stored); // on the worker
      const queued = hasher.verify('a long enough password', stored); // waits: the queue is now full
      const started = Date.now();
      const refused = await hasher.verify('a long enough password', stored).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(50);
      expect(refused).toMatchObject({
        message: 'The server is busy checking passwords; try again shortly.',
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
      expect(await running).toMatchObject({ valid: true });
      expect(await queued).toMatchObject({ valid: true });
      expect(await hasher.verify('a long enough password', stored)).toMatchObject({ valid: true });
    } finally {
      await hasher.close();
    }
  });
});
