/**
 * `npm run build` runs this after tsc: bundles each browser page with esbuild into dist/web/assets under
 * content-hashed names, writes the manifest the server reads, and prints each page's size gzipped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../config';
import { MANIFEST_FILE, type PageBundle, type PageManifest, type PageName, WEB_DIR } from './page-assets';

/** Each page's entry point, and the JSX runtime it is written for. */
const ENTRIES: Record<PageName, { entry: string; jsxImportSource: string }> = {
  'token-page': { entry: 'web/token-page/main.tsx', jsxImportSource: 'preact' },
  graphiql: { entry: 'web/graphiql/main.ts', jsxImportSource: 'react' },
};

async function buildPages(): Promise<void> {
  const assetsDir = path.join(WEB_DIR, 'assets');
  await fs.rm(WEB_DIR, { recursive: true, force: true });
  await fs.mkdir(assetsDir, { recursive: true });
  const manifest = {} as PageManifest;
  const sizes: string[] = [];
  for (const [name, { entry, jsxImportSource }] of Object.entries(ENTRIES) as [
    PageName,
    (typeof ENTRIES)[PageName],
  ][]) {
    const result = await build({
      entryPoints: { [name]: path.join(PROJECT_ROOT, entry) },
      outdir: assetsDir,
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      jsx: 'automatic',
      jsxImportSource,
      define: { 'process.env.NODE_ENV': '"production"' },
      legalComments: 'none',
      metafile: true,
      absWorkingDir: PROJECT_ROOT,
      plugins: [withoutEmbeddedFonts],
      logLevel: 'warning',
    });
    manifest[name] = bundleOf(result.metafile, assetsDir);
    sizes.push(`${name} ${await gzippedSize(assetsDir, manifest[name])}`);
  }
  await fs.writeFile(path.join(WEB_DIR, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Built the browser pages (gzipped): ${sizes.join(', ')}.`);
}

/**
 * GraphiQL's stylesheet embeds its fonts as data: URLs, which the pages' Content-Security-Policy refuses (fonts
 * from this origin only). Its @font-face rules are dropped: the page falls back to the system's fonts.
 */
const withoutEmbeddedFonts: Plugin = {
  name: 'without-embedded-fonts',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]graphiql[\\/]dist[\\/]style\.css$/ }, async (args) => ({
      contents: (await fs.readFile(args.path, 'utf8')).replace(/@font-face\s*{[^}]*}/g, ''),
      loader: 'css',
    }));
  },
};

function bundleOf(metafile: Metafile, assetsDir: string): PageBundle {
  const outputs = Object.entries(metafile.outputs);
  const [script, output] = outputs.find(([, info]) => info.entryPoint)!;
  return {
    script: path.relative(assetsDir, path.resolve(PROJECT_ROOT, script)),
    stylesheet: output.cssBundle
      ? path.relative(assetsDir, path.resolve(PROJECT_ROOT, output.cssBundle))
      : null,
  };
}

async function gzippedSize(assetsDir: string, bundle: PageBundle): Promise<string> {
  const files = [bundle.script, bundle.stylesheet].filter((file): file is string => file !== null);
  let total = 0;
  for (const file of files) total += gzipSync(await fs.readFile(path.join(assetsDir, file))).length;
  return `${(total / 1024).toFixed(1)} kB`;
}

buildPages().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
