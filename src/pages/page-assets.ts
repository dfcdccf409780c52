/**
 * The built browser pages, as `npm run build` leaves them in dist/web (see build-pages.ts): a manifest naming
 * each page's script and stylesheet, and the files themselves under content-hashed names.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config';

export const PAGE_NAMES = ['token-page', 'graphiql'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

export interface PageBundle {
  /** File names under assets/, content-hashed. */
  script: string;
  stylesheet: string | null;
}

export type PageManifest = Record<PageName, PageBundle>;

export const WEB_DIR = path.join(PROJECT_ROOT, 'dist/web');
export const MANIFEST_FILE = 'manifest.json';

export interface PageAssets {
  manifest: PageManifest;
  /** Every asset by file name, read once at start-up: a request can only ever name one of these. */
  files: Map<string, Buffer>;
}

/** The built pages, or null when they have not been built (a checkout without `npm run build`). */
export async function loadPageAssets(webDir = WEB_DIR): Promise<PageAssets | null> {
  const manifestText = await fs.readFile(path.join(webDir, MANIFEST_FILE), 'utf8').catch(() => null);
  if (manifestText === null) return null;
  const manifest = JSON.parse(manifestText) as PageManifest;
  const files = new Map<string, Buffer>();
  for (const name of await fs.readdir(path.join(webDir, 'assets'))) {
    files.set(name, await fs.readFile(path.join(webDir, 'assets', name)));
  }
  return { manifest, files };
}
