import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { type ScopedTokenClaims, ScopedTokenSigner } from '../../src/tokens/scoped-token-signer';

const KEY = 'the current secret key, at least thirty-two characters';
const OLD_KEY = 'an older secret key, also at least thirty-two characters';
const NOW = new Date('2026-06-01T12:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const DAY = 86_400;

const claims = (fields: Partial<ScopedTokenClaims> = {}): ScopedTokenClaims => ({
  tokenId: 41,
  userId: 7,
  scopes: ['Query.me', 'Query.tracks'],
  issuedAt: NOW_SECONDS,
  expiresAt: NOW_SECONDS + 3600,
  epoch: 0,
  ...fields,
});

const signer = new ScopedTokenSigner(KEY);
const token = signer.sign(claims());

describe('ScopedTokenSigner', () => {
  it('verifies what it signed, and the claims come back unchanged', () => {
    expect(token).toMatch(/^tgs\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token, NOW, DAY)).toEqual(claims());
  });

  it('carries nothing but ids, scopes and times in its readable payload', () => {
    const payload = JSON.parse(Buffer.from(token.split('.')[2]!, 'base64url').toString()) as object;
    expect(Object.keys(payload).sort()).toEqual(['ep', 'exp', 'iat', 's', 't', 'u']);
  });

  it('refuses a token at and after its expiry, one issued in the future, and one past the server cap', () => {
    expect(signer.verify(token, new Date((NOW_SECONDS + 3599) * 1000), DAY)).not.toBeNull();
    expect(signer.verify(token, new Date((NOW_SECONDS + 3600) * 1000), DAY)).toBeNull();
    const future = signer.sign(claims({ issuedAt: NOW_SECONDS + 600, expiresAt: NOW_SECONDS + 1200 }));
    expect(signer.verify(future, NOW, DAY)).toBeNull();
    // The lifetime is the server's to cap: a lower SCOPED_TOKEN_MAX_AGE_SECONDS shortens tokens already out.
    expect(signer.verify(token, NOW, 3599)).toBeNull();
  });

  it('rotates keys: fallbacks verify, only the current key signs, and a removed key invalidates its tokens', () => {
    const oldToken = new ScopedTokenSigner(OLD_KEY).sign(claims());
    const rotated = new ScopedTokenSigner(KEY, [OLD_KEY]);
    expect(rotated.verify(oldToken, NOW, DAY)).toEqual(claims());
    expect(rotated.verify(token, NOW, DAY)).toEqual(claims());
    expect(rotated.sign(claims()).split('.')[1]).toBe(token.split('.')[1]);
    expect(new ScopedTokenSigner(KEY).verify(oldToken, NOW, DAY)).toBeNull();
  });

  it('refuses a token signed with the same secret for another purpose', () => {
    const unsigned = token.slice(0, token.lastIndexOf('.'));
    const rawKey = createHmac('sha256', KEY).update(unsigned).digest('base64url');
    const otherPurpose = Buffer.from(hkdfSync('sha256', KEY, 'tokengate', 'tokengate session v1', 32));
    for (const signature of [
      rawKey,
      createHmac('sha256', otherPurpose).update(unsigned).digest('base64url'),
    ]) {
      expect(signer.verify(`${unsigned}.${signature}`, NOW, DAY)).toBeNull();
    }
  });

  it('refuses every single-character change of a token', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    let tried = 0;
    for (let at = 0; at < token.length; at++) {
      for (const character of alphabet) {
        if (token[at] === character) continue;
        const changed = token.slice(0, at) + character + token.slice(at + 1);
        expect(signer.verify(changed, NOW, DAY)).toBeNull();
        tried += 1;
      }
    }
    expect(tried).toBeGreaterThan(token.length * 60);
  });

  it('refuses other spellings: padding, other base64 alphabets, swapped, missing or extra segments (property)', () => {
    const [prefix, kid, payload, signature] = token.split('.') as [string, string, string, string];
    const standard = (text: string) => text.replaceAll('-', '+').replaceAll('_', '/');
    const variants = [
      `${token}=`,
      `${token}==`,
      `${prefix}.${kid}.${payload}=.${signature}`,
      `${prefix}.${kid}.${standard(payload)}.${standard(signature)}`,
      `${prefix}.${kid}.${signature}.${payload}`,
      `${prefix}.${payload}.${kid}.${signature}`,
      `${prefix}.${kid}.${payload}`,
      `${token}.${signature}`,
      `${prefix}.${kid}.${payload}.${payload}.${signature}`,
      `TGS.${kid}.${payload}.${signature}`,
      ` ${token}`,
      `${token}\n`,
      `${prefix}.${kid.toUpperCase()}.${payload}.${signature}`,
      `${prefix}.00000000.${payload}.${signature}`,
    ];
    for (const variant of variants) expect(signer.verify(variant, NOW, DAY)).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (junk) => {
        expect(signer.verify(junk, NOW, DAY)).toBeNull();
        expect(signer.verify(`${prefix}.${kid}.${junk}.${signature}`, NOW, DAY)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a validly signed payload of the wrong shape', () => {
    const sign = (payload: unknown) => {
      const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const kid = token.split('.')[1]!;
      const key = Buffer.from(hkdfSync('sha256', KEY, 'tokengate', 'tokengate scoped token v1', 32));
      const unsigned = `tgs.${kid}.${encoded}`;
      return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
    };
    const good = { t: 1, u: 1, s: ['Query.me'], iat: NOW_SECONDS, exp: NOW_SECONDS + 60, ep: 0 };
    expect(signer.verify(sign(good), NOW, DAY)).not.toBeNull(); // the test's own signing is right
    for (const bad of [
      { ...good, t: '1' },
      { ...good, s: 'Query.me' },
      { ...good, s: [1] },
      { ...good, ep: -1 },
      [good],
      null,
    ]) {
      expect(signer.verify(sign(bad), NOW, DAY)).toBeNull();
    }
  });
});
