import { type Config, loadConfig } from '../../src/config';
import {
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

const LIMITS: Config['queryLimits'] = {
  maxDepth: 3,
  maxAliases: 4,
  maxTokens: 200,
  maxDirectives: 3,
  maxCost: 60,
  exposeLimits: false,
};

let server: TestServer;
let exposing: TestServer;
let headers: Record<string, string>;
beforeAll(async () => {
  [server, exposing] = await Promise.all([
    startTestServer({ queryLimits: LIMITS }),
    startTestServer({ queryLimits: { ...LIMITS, exposeLimits: true } }),
  ]);
  headers = tokenHeader(await logInAs(server, (await makeUser(server)).username));
});
afterAll(() => Promise.all([server.close(), exposing.close()]));

const tooMany = (count: number, item: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => item(i)).join(' ');

// Each document is within every limit but one.
const OVER_LIMIT = [
  ['depth', '{ tracks { edges { node { owner { username } } } } }', 'The query is nested too deeply.'],
  ['aliases', `{ ${tooMany(5, (i) => `a${i}: me { id }`)} }`, 'The query has too many aliases.'],
  [
    'directives',
    '{ me { id @include(if: true) username @include(if: true) email @skip(if: false) isStaff @skip(if: false) } }',
    'The query has too many directives.',
  ],
  [
    'cost',
    `{ me { ${tooMany(10, () => 'id username email isActive isStaff')} } myTokens { id } }`,
    'The query asks for too much at once.',
  ],
] as const;

describe('query limits', () => {
  it.each(OVER_LIMIT)(
    'refuses a document over the %s limit with 400 and a message without numbers',
    async (_limit, query, message) => {
      const response = await graphql(server, query, { headers });
      expect(response.status).toBe(400);
      expect(response.body.data).toBeUndefined();
      expect(response.body.errors).toEqual([
        expect.objectContaining({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ]);
    },
  );

  it('refuses a document over the token limit while parsing', async () => {
    const response = await graphql(server, `{ me { ${tooMany(250, () => 'id')} } }`, { headers });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'The query is too long.',
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      }),
    ]);
  });

  it('names the limit and the numbers when GRAPHQL_EXPOSE_LIMITS is on', async () => {
    const response = await graphql(exposing, OVER_LIMIT[0][1], { headers });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/^Query depth limit of 3 exceeded, found \d+\.$/);
  });

  it('runs documents within the limits', async () => {
    const response = await graphql(
      server,
      '{ me { id } a: me { username } tracks(first: 1) { edges { cursor } } }',
      { headers },
    );
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
  });

  it('exempts introspection from depth and cost, so that explorers can load the schema', async () => {
    const introspecting = await startTestServer({ queryLimits: LIMITS, introspection: true });
    try {
      const response = await graphql(
        introspecting,
        '{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }',
      );
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
    } finally {
      await introspecting.close();
    }
  });

  it("refuses fragments that multiply selections past Apollo's recursion bound", async () => {
    // Each fragment spreads the one below it twice: 2^20 selections from a few hundred bytes.
    const levels = 20;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on User { id }`
        : `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`,
    ).join(' ');
    const roomy = await startTestServer({
      queryLimits: { ...loadConfig({}).queryLimits, maxTokens: 100_000 },
    });
    try {
      const response = await graphql(
        roomy,
        `
          {
            me {
              ...F0
            }
          }
          ${fragments}
        `,
        { headers },
      );
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await roomy.close();
    }
  });

  it('never suggests field names, introspection or not', async () => {
    const response = await graphql(exposing, '{ mee { id } }', { headers });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).not.toMatch(/Did you mean|"me"/);
  });
});
