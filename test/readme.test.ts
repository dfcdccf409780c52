import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config';

describe('README', () => {
  it('shows the Apollo Client example exactly as the token page runs it (web/token-page/api.ts)', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const source = readFileSync(path.join(PROJECT_ROOT, 'web/token-page/api.ts'), 'utf8');
    const intro = readme.indexOf("The token page's API client, `web/token-page/api.ts`");
    expect(intro).toBeGreaterThan(0);
    const example = /```ts\n([\s\S]*?)```/.exec(readme.slice(intro))?.[1];
    expect(example).toBe(source);
  });
});
