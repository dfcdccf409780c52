/**
 * Real Chromium for the page tests: Debian's `chromium` package, driven by playwright-core (no browser download).
 * Outside CI a machine without it skips the browser tests and says how to install it; in CI a missing Chromium
 * fails them, since .ci/run installs it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/config';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, '.data/screenshots');
const INSTALL = 'Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).';

const available = existsSync(CHROMIUM_PATH);
if (!available && process.env.CI) {
  throw new Error(`No Chromium at ${CHROMIUM_PATH}, and CI must run the browser tests. ${INSTALL}`);
}
if (!available) console.warn(`No Chromium at ${CHROMIUM_PATH}: the browser tests are skipped. ${INSTALL}`);

/** `describe`, or `describe.skip` (with the reason printed) when this machine has no Chromium. */
export const describeInBrowser: jest.Describe = available ? describe : describe.skip;

export function launchBrowser(): Promise<Browser> {
  // The tests run as root in CI, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** A page and what it did: requests to any other origin, console errors, CSP violations, uncaught errors. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  foreignRequests: string[];
  problems: string[];
}

export interface WatchOptions {
  origin: string;
  viewport?: { width: number; height: number };
  /** HTTP statuses the test expects (a refused token's 401): Chromium logs each such response as an error. */
  expectedStatuses?: number[];
}

export async function openWatchedPage(browser: Browser, options: WatchOptions): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 900 } });
  // Runs through the DevTools protocol before the page's own scripts: the page's CSP does not apply to it.
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) =>
    console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline')));`);
  const page = await context.newPage();
  const foreignRequests: string[] = [];
  const problems: string[] = [];
  const expected = new RegExp(`status of (${(options.expectedStatuses ?? []).join('|') || 'none'}) `);
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${options.origin}/`) && !url.startsWith('data:')) foreignRequests.push(url);
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.text().startsWith('Failed to load resource') && expected.test(message.text())) return;
    problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return { page, context, foreignRequests, problems };
}

/**
 * Ends a watched page: saves its screenshot, closes it, and returns what it did that a page must not (a request
 * to another origin, a console error, a CSP violation), for the test to expect empty.
 */
export async function finish(watched: WatchedPage, name: string) {
  const { foreignRequests, problems, context, page } = watched;
  await screenshot(page, name);
  await context.close();
  return { foreignRequests, problems };
}

/** Saves a screenshot under .data/screenshots, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = `${name.replace(/[^\w-]+/g, '-').slice(0, 120)}.png`;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, file), fullPage: true });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not stop it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<
    { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]
  >('axe.run().then((results) => results.violations)');
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
}
