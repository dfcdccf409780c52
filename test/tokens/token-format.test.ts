import { TokenKind } from '../../src/entities/api-token.entity';
import { digestToken, displayPrefixOf, generateToken, parseTokenKind } from '../../src/tokens/token-format';

describe('generateToken', () => {
  it('makes a prefixed login token of 30 random and 6 checksum base62 characters', () => {
    const { plaintext } = generateToken(TokenKind.LOGIN);
    expect(plaintext).toMatch(/^tgl_[0-9A-Za-z]{36}$/);
    expect(parseTokenKind(plaintext)).toBe(TokenKind.LOGIN);
  });

  it('never repeats itself and spreads over the whole alphabet', () => {
    const tokens = Array.from({ length: 2000 }, () => generateToken(TokenKind.LOGIN).plaintext);
    expect(new Set(tokens).size).toBe(tokens.length);
    const characters = new Set(tokens.join('').replaceAll('tgl_', ''));
    expect(characters.size).toBe(62);
  });

  it('stores only a SHA-256 digest and a short display prefix', () => {
    const token = generateToken(TokenKind.LOGIN);
    expect(token.digest).toBe(digestToken(token.plaintext));
    expect(token.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(token.displayPrefix).toBe(token.plaintext.slice(0, 12));
    expect(displayPrefixOf(token.plaintext)).toBe(token.displayPrefix);
  });
});

describe('parseTokenKind', () => {
  const valid = generateToken(TokenKind.LOGIN).plaintext;

  it('rejects a token with one character changed (the checksum no longer matches)', () => {
    const body = valid.slice(4);
    const changed = body[0] === 'A' ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    expect(parseTokenKind(`tgl_${changed}`)).toBeNull();
  });

  it('rejects an unknown type prefix, wrong lengths and foreign characters', () => {
    expect(parseTokenKind(`xyz_${valid.slice(4)}`)).toBeNull();
    expect(parseTokenKind(valid.slice(0, -1))).toBeNull();
    expect(parseTokenKind(`${valid}A`)).toBeNull();
    expect(parseTokenKind(`${valid.slice(0, -1)}!`)).toBeNull();
    expect(parseTokenKind(`${valid}\n`)).toBeNull();
    expect(parseTokenKind('')).toBeNull();
  });

  it('rejects a 40-character hex DRF key', () => {
    expect(parseTokenKind('9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b')).toBeNull();
  });
});
