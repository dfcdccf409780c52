import { parseAuthorizationHeader } from '../../src/authentication/authorization-header';

describe('parseAuthorizationHeader', () => {
  it('treats an absent or blank header as anonymous', () => {
    expect(parseAuthorizationHeader(undefined)).toBeNull();
    expect(parseAuthorizationHeader('')).toBeNull();
    expect(parseAuthorizationHeader('  \t ')).toBeNull();
  });

  it('splits the keyword from the credentials', () => {
    expect(parseAuthorizationHeader('Token abc')).toEqual({ keyword: 'Token', credentials: 'abc' });
    expect(parseAuthorizationHeader('  token \t abc  ')).toEqual({ keyword: 'token', credentials: 'abc' });
  });

  it('keeps a keyword without credentials, and inner spaces, for the scheme to refuse', () => {
    expect(parseAuthorizationHeader('Token')).toEqual({ keyword: 'Token', credentials: '' });
    expect(parseAuthorizationHeader('Token a b')).toEqual({ keyword: 'Token', credentials: 'a b' });
  });
});
