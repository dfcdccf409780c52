import type { Browser, Page } from 'playwright-core';
import {
  describeInBrowser,
  finish,
  launchBrowser,
  openWatchedPage,
  screenshot,
  seriousAccessibilityViolations,
  type WatchedPage,
} from '../support/browser';
import {
  bearerHeader,
  graphql,
  logInAs,
  makeUser,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
  tokenHeader,
} from '../support/test-server';

/**
 * The token page in real Chromium against the real server. Every test ends by checking that no request left the
 * server's origin and that the console shows no error and no CSP violation.
 */
let server: TestServer;
let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  server = await startTestServer({ explorer: 'sandbox', loginFailuresPerAccount: 3 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(
  options: { expectedStatuses?: number[]; viewport?: { width: number; height: number } } = {},
) {
  watched = await openWatchedPage(browser, { origin: server.url, ...options });
  await watched.page.goto(`${server.url}/tokens`);
  return watched.page;
}

afterEach(async () => {
  if (!watched) return;
  const leftovers = await finish(watched, `token-page-${expect.getState().currentTestName ?? 'test'}`);
  expect(leftovers).toEqual({ foreignRequests: [], problems: [] });
});

async function logIn(page: Page, username: string, password = TEST_PASSWORD) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function sessionToken(page: Page): Promise<string> {
  return page.evaluate<string>("JSON.parse(sessionStorage.getItem('tokengate.session')).token");
}

async function createBearerToken(page: Page, name: string): Promise<string> {
  await page.getByLabel('Token name').first().fill(name);
  await page.getByLabel('Expires in (days)').first().fill('7');
  await page.getByRole('button', { name: 'Create token' }).click();
  const field = page.getByLabel('New token', { exact: true });
  await field.waitFor();
  return field.inputValue();
}

function tokensTable(page: Page) {
  return page.getByRole('table');
}

describeInBrowser('the token page', () => {
  it('refuses a wrong password with the server’s message, then signs in and marks the current session', async () => {
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, user.username, 'not the password');
    await expect(page.getByRole('alert').filter({ hasText: 'Unable to log in' }).textContent()).resolves.toBe(
      'Unable to log in with provided credentials.',
    );
    await logIn(page, user.username);
    await page.getByRole('heading', { name: 'Your tokens', exact: true }).waitFor();
    const current = tokensTable(page).getByRole('row').filter({ hasText: 'this session' });
    await current.waitFor();
    await expect(current.count()).resolves.toBe(1);
    await expect(current.getByRole('cell').nth(1).textContent()).resolves.toBe('Login');
    await screenshot(page, 'token-page-signed-in');
    // The token is kept for this tab only: never in localStorage, never in a cookie.
    await expect(page.evaluate('localStorage.length')).resolves.toBe(0);
    await expect(watched.context.cookies()).resolves.toEqual([]);
  });

  it('can be used with the keyboard alone', async () => {
    const user = await makeUser(server);
    const page = await open();
    await page.keyboard.press('Tab'); // the GraphiQL link
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your tokens', exact: true }).waitFor();
  });

  it('shows a new token once, which works at the API; reloading never shows it again', async () => {
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, user.username);
    const token = await createBearerToken(page, 'nightly backup');
    expect(token).toMatch(/^tgb_/);
    await page.getByText('it will not be shown again').waitFor();
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await screenshot(page, 'token-page-new-token');

    const me = await graphql(server, '{ me { username } }', { headers: bearerHeader(token) });
    expect(me.body).toEqual({ data: { me: { username: user.username } } });

    await page.reload();
    await tokensTable(page).getByRole('cell', { name: 'nightly backup', exact: true }).waitFor();
    await expect(page.getByLabel('New token', { exact: true }).count()).resolves.toBe(0);
    await expect(page.content()).resolves.not.toContain(token);
    await expect(page.evaluate('JSON.stringify(sessionStorage)')).resolves.not.toContain(token);
  });

  it('creates a scoped token from the scopes the running schema offers, for a named recipient', async () => {
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, user.username);
    await page.getByLabel('Scoped token: temporary, limited to some operations').check();
    await page
      .getByRole('group', { name: 'Scopes: the operations it may run' })
      .getByLabel('Query.me')
      .check();
    await page.getByLabel('Lifetime (minutes)').fill('10');
    await page.getByLabel('Recipient (who or what it is for)').fill('export job');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel('New token', { exact: true }).inputValue();
    expect(token).toMatch(/^tgs\./);
    await tokensTable(page)
      .getByRole('row')
      .filter({ hasText: 'for export job' })
      .getByText('Scoped')
      .waitFor();

    const headers = { authorization: `TmpToken ${token}` };
    expect((await graphql(server, '{ me { username } }', { headers })).body).toEqual({
      data: { me: { username: user.username } },
    });
    expect((await graphql(server, '{ tracks { edges { cursor } } }', { headers })).status).toBe(403);
  });

  it('shows an API error next to the control that caused it, by its code, never as raw JSON', async () => {
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, user.username);
    await page.getByRole('heading', { name: 'My tokens' }).waitFor();
    await page.getByLabel('Expires in (days)').first().fill('100000');
    await page.getByLabel('Token name').first().fill('too long-lived');
    await page.getByRole('button', { name: 'Create token' }).click();
    const error = page.locator('#create-error');
    await expect(error.getAttribute('data-code')).resolves.toBe('BAD_USER_INPUT');
    await expect(error.textContent()).resolves.toMatch(/^expiresInDays must be/);
    await expect(
      page.getByLabel('Expires in (days)').first().getAttribute('aria-describedby'),
    ).resolves.toContain('create-error');
    await expect(page.content()).resolves.not.toMatch(/"extensions"|"errors"/);
    await screenshot(page, 'token-page-create-error');
  });

  it('revokes a token after confirmation: the row goes and the API refuses the token at once', async () => {
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, user.username);
    const token = await createBearerToken(page, 'to revoke');
    await page.getByRole('button', { name: 'Done' }).click();
    const row = tokensTable(page).getByRole('row').filter({ hasText: 'to revoke' });
    await row.getByRole('button', { name: 'Revoke to revoke' }).click();
    await row.getByText('It stops working at once').waitFor();
    await screenshot(page, 'token-page-confirm-revoke');
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    await row.waitFor({ state: 'detached' });
    const refused = await graphql(server, '{ me { username } }', { headers: bearerHeader(token) });
    expect(refused.status).toBe(401);
  });

  it('returns to the login form with a clear sentence, and no stale data, when the session ends elsewhere', async () => {
    const user = await makeUser(server);
    const page = await open({ expectedStatuses: [401] });
    await logIn(page, user.username);
    await createBearerToken(page, 'secret project');
    // The user logs out everywhere from another device.
    const other = await logInAs(server, user.username);
    await graphql(server, 'mutation { logoutAll }', { headers: tokenHeader(other) });
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByLabel('Token name').first().fill('after the end');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Your session has ended').waitFor();
    await expect(page.getByLabel('Username').isVisible()).resolves.toBe(true);
    await expect(page.content()).resolves.not.toContain('secret project');
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
    await screenshot(page, 'token-page-session-ended');
  });

  it('says when to try again once the login is throttled', async () => {
    const user = await makeUser(server);
    const page = await open({ expectedStatuses: [429] });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await logIn(page, user.username, 'wrong');
      await page.getByText('Unable to log in').waitFor();
    }
    await logIn(page, user.username);
    const alert = page.getByRole('alert').filter({ hasText: 'Too many failed attempts' });
    await expect(alert.textContent()).resolves.toMatch(
      /^Too many failed attempts; try again in \d+ seconds\.$/,
    );
    await expect(page.getByLabel('Username').isVisible()).resolves.toBe(true);
  });

  it('logs out: calls logout, forgets the token, and the token stops working', async () => {
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, user.username);
    await page.getByRole('heading', { name: 'Your tokens', exact: true }).waitFor();
    const token = await sessionToken(page);
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.getByText('You have logged out.').waitFor();
    await expect(page.evaluate('sessionStorage.length')).resolves.toBe(0);
    expect((await graphql(server, '{ me { id } }', { headers: tokenHeader(token) })).status).toBe(401);
  });

  it('lets staff look a user up and issue a bearer token for them, recorded as issued by the staff member', async () => {
    const staff = await makeUser(server, { isStaff: true });
    const user = await makeUser(server);
    const page = await open();
    await logIn(page, staff.username);
    const section = page.getByRole('region', { name: 'Staff: issue a token for a user' });
    await section.getByLabel('Username').fill(user.username);
    await section.getByRole('button', { name: 'Find user' }).click();
    await section.getByLabel('Token name').fill('lab instrument');
    await section.getByRole('button', { name: `Issue token for ${user.username}` }).click();
    const token = await page.getByLabel('New token', { exact: true }).inputValue();
    await page.getByText(`A bearer token of ${user.username}'s, recorded as issued by you.`).waitFor();
    await screenshot(page, 'token-page-staff-issued');

    const me = await graphql(server, '{ me { username } myTokens { name createdBy { username } } }', {
      headers: bearerHeader(token),
    });
    expect(me.body.data).toEqual({
      me: { username: user.username },
      myTokens: [{ name: 'lab instrument', createdBy: { username: staff.username } }],
    });
  });

  it('fits a phone-width screen and has no serious accessibility violation, signed out or in', async () => {
    const user = await makeUser(server);
    const page = await open({ viewport: { width: 390, height: 844 } });
    await page.getByLabel('Username').waitFor();
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await logIn(page, user.username);
    await createBearerToken(page, 'phone');
    await expect(seriousAccessibilityViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'token-page-phone');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
