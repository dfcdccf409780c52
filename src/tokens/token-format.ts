/**
 * API token format, modelled on GitHub's: `<type>_<30 base62 random chars><6 base62 CRC32 of them>`.
 * 30 base62 characters carry 178 bits from the CSPRNG. The type prefix tells token kinds apart (and makes leaked
 * tokens easy to scan for); the checksum lets a mistyped or forged token be refused before any database work.
 * Only the SHA-256 digest is stored: the tokens are high-entropy, so a fast hash is enough and lookups by digest
 * reveal nothing through timing.
 */
import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { TokenKind } from '../entities/api-token.entity';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
const DISPLAY_LENGTH = 8;

/** The kinds whose tokens are random secrets (scoped tokens are signed: scoped-token-signer.ts). */
export type RandomTokenKind = TokenKind.LOGIN | TokenKind.BEARER;
const KIND_PREFIXES: Record<RandomTokenKind, string> = {
  [TokenKind.LOGIN]: 'tgl',
  [TokenKind.BEARER]: 'tgb',
};

const TOKEN_PATTERN = /^([a-z]{3})_([0-9A-Za-z]{30})([0-9A-Za-z]{6})$/;

export interface GeneratedToken {
  plaintext: string;
  digest: string;
  displayPrefix: string;
}

export function generateToken(kind: RandomTokenKind): GeneratedToken {
  const random = randomBase62(RANDOM_LENGTH);
  const plaintext = `${KIND_PREFIXES[kind]}_${random}${checksum(random)}`;
  return { plaintext, digest: digestToken(plaintext), displayPrefix: displayPrefixOf(plaintext) };
}

/** The token's kind when it is well-formed with a valid checksum, otherwise null. */
export function parseTokenKind(candidate: string): RandomTokenKind | null {
  const match = TOKEN_PATTERN.exec(candidate);
  if (!match) return null;
  const [, prefix, random, check] = match as unknown as [string, string, string, string];
  if (checksum(random) !== check) return null;
  const entry = Object.entries(KIND_PREFIXES).find(([, value]) => value === prefix);
  return entry ? (entry[0] as RandomTokenKind) : null;
}

export function digestToken(plaintext: string): string {
  return hash('sha256', plaintext, 'hex');
}

export function displayPrefixOf(plaintext: string): string {
  return plaintext.slice(0, plaintext.indexOf('_') + 1 + DISPLAY_LENGTH);
}

function checksum(random: string): string {
  let value = crc32(random);
  let encoded = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    encoded = BASE62[value % 62]! + encoded;
    value = Math.floor(value / 62);
  }
  return encoded;
}

function randomBase62(length: number): string {
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && result.length < length) result += BASE62[byte % 62]!;
    }
  }
  return result;
}
