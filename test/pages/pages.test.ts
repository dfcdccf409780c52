import { loadPageAssets } from '../../src/pages/page-assets';
import { CONTENT_SECURITY_POLICY } from '../../src/pages/pages';
import { startTestServer, type TestServer } from '../support/test-server';

/** The pages over plain HTTP: what is served where, with which headers. The browser tests are beside this. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ explorer: 'sandbox', tokenPage: true });
});
afterAll(() => server.close());

describe('the token page and GraphiQL', () => {
  it.each(['/tokens', '/graphiql'])(
    'serve %s with a strict CSP, nosniff, no referrer and revalidation',
    async (path) => {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = response.headers.get('content-security-policy');
      expect(csp).toBe(CONTENT_SECURITY_POLICY);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const html = await response.text();
      // Nothing inline and nothing from elsewhere: every script and stylesheet is a hashed file of this origin.
      expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=|https?:\/\//);
      for (const [, asset] of html.matchAll(/(?:src|href)="([^"]+)"/g))
        expect(asset).toMatch(/^(\/assets\/[\w-]+-[A-Z0-9]{8}\.(js|css)|data:,)$/);
    },
  );

  it('serves the hashed assets for a year, and nothing else under /assets', async () => {
    const assets = (await loadPageAssets())!;
    const { script, stylesheet } = assets.manifest['token-page'];
    const js = await fetch(`${server.url}/assets/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.url}/assets/${stylesheet!}`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    for (const path of ['/assets/manifest.json', '/assets/..%2Fmanifest.json', '/assets/nope.js']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(404);
    }
  });

  it('keeps the bundles free of eval and of any other origin', async () => {
    const assets = (await loadPageAssets())!;
    for (const [name, content] of assets.files) {
      const text = content.toString('utf8');
      expect({ name, evals: /\beval\(|new Function\(/.test(text) }).toEqual({ name, evals: false });
    }
  });
});

describe('settings', () => {
  it('TOKEN_PAGE=false answers /tokens with 404', async () => {
    const off = await startTestServer({ tokenPage: false });
    try {
      expect((await fetch(`${off.url}/tokens`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('EXPLORER=graphiql sends a browser opening /graphql to /graphiql, and leaves GraphQL clients alone', async () => {
    const graphiql = await startTestServer({ explorer: 'graphiql' });
    try {
      const browser = await fetch(`${graphiql.url}/graphql`, {
        headers: { accept: 'text/html' },
        redirect: 'manual',
      });
      expect(browser.status).toBe(302);
      expect(browser.headers.get('location')).toBe('/graphiql');
      const client = await fetch(`${graphiql.url}/graphql?query=%7B__typename%7D`, {
        headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
      });
      expect(await client.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await graphiql.close();
    }
  });

  it('EXPLORER=off serves neither GraphiQL nor Sandbox', async () => {
    const off = await startTestServer({ explorer: 'off' });
    try {
      expect((await fetch(`${off.url}/graphiql`)).status).toBe(404);
      const landing = await fetch(`${off.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await landing.text()).not.toMatch(/sandbox|embeddable/i);
    } finally {
      await off.close();
    }
  });

  it('EXPLORER=sandbox keeps Apollo Sandbox at /graphql, with GraphiQL beside it for closed networks', async () => {
    const landing = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await landing.text()).toMatch(/embeddable-sandbox/);
    expect((await fetch(`${server.url}/graphiql`)).status).toBe(200);
  });
});
