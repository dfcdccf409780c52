import type { Browser } from 'playwright-core';
import {
  describeInBrowser,
  finish,
  launchBrowser,
  openWatchedPage,
  screenshot,
  seriousAccessibilityViolations,
  type WatchedPage,
} from '../support/browser';
import { makeUser, startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';

/** The self-hosted GraphiQL, offline: everything it loads comes from the server itself. */
let server: TestServer;
let browser: Browser;
let watched: WatchedPage | null = null;

beforeAll(async () => {
  server = await startTestServer({ explorer: 'graphiql' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  if (!watched) return;
  const leftovers = await finish(watched, `graphiql-${expect.getState().currentTestName ?? 'test'}`);
  expect(leftovers).toEqual({ foreignRequests: [], problems: [] });
});

describeInBrowser('GraphiQL', () => {
  it('runs me with the Authorization header prefilled from the token page’s session', async () => {
    const user = await makeUser(server);
    watched = await openWatchedPage(browser, { origin: server.url });
    const { page } = watched;
    await page.goto(`${server.url}/tokens`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your tokens', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Open GraphiQL' }).click();
    await page.waitForURL(`${server.url}/graphiql`);

    await page.locator('.graphiql-editor-tool').getByText('Authorization').first().waitFor();
    const token = await page.evaluate<string>(
      "JSON.parse(sessionStorage.getItem('tokengate.session')).token",
    );
    await expect(page.locator('.graphiql-editor-tool').textContent()).resolves.toContain(`Token ${token}`);
    await page.getByRole('button', { name: /Execute query/ }).click();
    await page.locator('.result-window').getByText(user.username).waitFor();
    await expect(page.locator('.result-window').textContent()).resolves.toContain(
      `"username": "${user.username}"`,
    );
    await screenshot(page, 'graphiql-me');
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
  });

  it('is what a browser opening /graphql gets when EXPLORER=graphiql', async () => {
    watched = await openWatchedPage(browser, { origin: server.url });
    const { page } = watched;
    await page.goto(`${server.url}/graphql`);
    expect(page.url()).toBe(`${server.url}/graphiql`);
    await page.getByRole('button', { name: /Execute query/ }).waitFor();
  });
});
