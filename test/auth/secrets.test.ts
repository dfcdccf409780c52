import { digestToken, displayPrefixOf, generateToken, parseTokenType } from '../../src/auth/secrets';

describe('generateToken', () => {
  it('makes a prefixed login token of 30 random and 6 checksum base62 characters', () => {
    const { plaintext } = generateToken('login');
    expect(plaintext).toMatch(/^tgl_[0-9A-Za-z]{36}$/);
    expect(parseTokenType(plaintext)).toBe('login');
  });

  it('never repeats itself and spreads over the whole alphabet', () => {
    const tokens = Array.from({ length: 2000 }, () => generateToken('login').plaintext);
    expect(new Set(tokens).size).toBe(tokens.length);
    const characters = new Set(tokens.join('').replaceAll('tgl_', ''));
    expect(characters.size).toBe(62);
  });

  it('stores only a SHA-256 digest and a short display prefix', () => {
    const token = generateToken('login');
    expect(token.digest).toBe(digestToken(token.plaintext));
    expect(token.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(token.displayPrefix).toBe(token.plaintext.slice(0, 12));
    expect(displayPrefixOf(token.plaintext)).toBe(token.displayPrefix);
  });
});

describe('parseTokenType', () => {
  const valid = generateToken('login').plaintext;

  it('rejects a token with one character changed (the checksum no longer matches)', () => {
    const body = valid.slice(4);
    const changed = body[0] === 'A' ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    expect(parseTokenType(`tgl_${changed}`)).toBeNull();
  });

  it('rejects an unknown type prefix, wrong lengths and foreign characters', () => {
    expect(parseTokenType(`xyz_${valid.slice(4)}`)).toBeNull();
    expect(parseTokenType(valid.slice(0, -1))).toBeNull();
    expect(parseTokenType(`${valid}A`)).toBeNull();
    expect(parseTokenType(`${valid.slice(0, -1)}!`)).toBeNull();
    expect(parseTokenType(`${valid}\n`)).toBeNull();
    expect(parseTokenType('')).toBeNull();
  });

  it('rejects a 40-character hex DRF key', () => {
    expect(parseTokenType('9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b')).toBeNull();
  });
});
