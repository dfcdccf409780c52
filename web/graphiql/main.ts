/**
 * GraphiQL, served by tokengate itself so that it works on a closed network (Apollo Sandbox loads from Apollo's
 * CDN). When the user came from the token page, the Authorization header is prefilled with that session's token.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { loadSession } from '../shared/session';
import { repairAccessibility } from './accessibility';
import 'graphiql/graphiql.css';
import './styles.css';

const session = loadSession();
const headers: Record<string, string> = session ? { Authorization: `Token ${session.token}` } : {};
const headersText = JSON.stringify(headers, null, 2);

const root = document.getElementById('app')!;
repairAccessibility(root);
createRoot(root).render(
  createElement(GraphiQL, {
    // The fetcher's own headers also cover the schema introspection, which ignores the editor's.
    fetcher: createGraphiQLFetcher({ url: '/graphql', headers }),
    defaultHeaders: headersText,
    headers: headersText,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: session ? 'headers' : false,
    defaultQuery: '# Run me with the button above or Ctrl-Enter.\n{\n  me {\n    id\n    username\n  }\n}\n',
  }),
);
