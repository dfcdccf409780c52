/**
 * The browser pages the server serves itself: the token page at /tokens and the self-hosted GraphiQL at
 * /graphiql. Nothing comes from another origin (no CDN, font or script), so a user on a closed network gets the
 * whole page. Both run under a strict Content-Security-Policy: scripts and styles from this origin only, nothing
 * inline, no eval, and no framing. The HTML is revalidated on every visit; the assets it names carry a hash of
 * their content in their name and are cached for a year.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config';
import { ErrorCode } from '../errors';
import type { PageAssets, PageName } from './page-assets';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS_PATH = '/assets';
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
};

interface Page {
  path: string;
  bundle: PageName;
  title: string;
}

export const TOKEN_PAGE: Page = { path: '/tokens', bundle: 'token-page', title: 'Your tokens · tokengate' };
export const GRAPHIQL_PAGE: Page = { path: '/graphiql', bundle: 'graphiql', title: 'GraphiQL · tokengate' };

export function registerPages(
  app: FastifyInstance,
  config: Config,
  assets: PageAssets | null,
  graphqlPath: string,
): void {
  const pages = [
    ...(config.tokenPage ? [TOKEN_PAGE] : []),
    ...(config.explorer !== 'off' ? [GRAPHIQL_PAGE] : []),
  ];
  for (const page of pages) {
    app.get(page.path, (_request, reply) => {
      if (!assets) return notBuilt(reply);
      const links: Record<string, string> =
        config.explorer !== 'off' && page === TOKEN_PAGE ? { graphiql: GRAPHIQL_PAGE.path } : {};
      return htmlHeaders(reply)
        .type('text/html; charset=utf-8')
        .send(pageHtml(page, assets, links));
    });
  }
  if (config.explorer === 'graphiql') {
    // A browser opening the GraphQL URL gets GraphiQL; GraphQL clients never ask for HTML.
    app.addHook('onRequest', async (request, reply) => {
      const wantsHtml = request.headers.accept?.includes('text/html') ?? false;
      if (request.method === 'GET' && request.url === graphqlPath && wantsHtml) {
        return reply.redirect(GRAPHIQL_PAGE.path, 302);
      }
    });
  }
  app.get(`${ASSETS_PATH}/:file`, (request, reply) => {
    const { file } = request.params as { file: string };
    const content = assets?.files.get(file);
    if (!content) return reply.callNotFound();
    return reply
      .type(CONTENT_TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(content);
  });
}

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cache-control', 'no-cache');
}

/** `links` become data- attributes of the page's root element: where its links may point. */
function pageHtml(page: Page, assets: PageAssets, links: Record<string, string>): string {
  const bundle = assets.manifest[page.bundle];
  const stylesheet = bundle.stylesheet
    ? `<link rel="stylesheet" href="${ASSETS_PATH}/${bundle.stylesheet}">`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<link rel="icon" href="data:,">
${stylesheet}
<script type="module" src="${ASSETS_PATH}/${bundle.script}"></script>
</head>
<body>
<div id="app"${Object.entries(links)
    .map(([name, path]) => ` data-${name}="${path}"`)
    .join('')}></div>
<noscript>This page needs JavaScript.</noscript>
</body>
</html>
`;
}

function notBuilt(reply: FastifyReply) {
  return reply.status(503).send({
    errors: [
      {
        message: 'The browser pages have not been built; run `npm run build`.',
        extensions: { code: ErrorCode.ServiceUnavailable },
      },
    ],
  });
}
