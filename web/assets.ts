/**
 * The design system's files (`@gouvfr/dsfr`'s dist/, served from this process: no CDN, so an
 * intranet without internet works) and our few scripts, under a path that names their version so
 * browsers keep them for a year. Each file is read and gzipped once, then served from memory;
 * only the files listed here are served, never a path the request builds.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';

const require = createRequire(import.meta.url);
const dsfrPackage = require.resolve('@gouvfr/dsfr/package.json');
const DSFR_VERSION = (JSON.parse(readFileSync(dsfrPackage, 'utf8')) as { version: string }).version;
const DSFR_DIST = join(dirname(dsfrPackage), 'dist');
const STATIC = join(dirname(fileURLToPath(import.meta.url)), 'static');

/** Where the pages link the assets from. */
export const ASSETS = `/assets/${DSFR_VERSION}`;

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
};

const FONTS = [
  'Marianne-Regular',
  'Marianne-Bold',
  'Marianne-Medium',
  'Marianne-Light',
  'Marianne-Regular_Italic',
  'Spectral-Regular',
  'Spectral-ExtraBold',
];

/** The served files: URL path under ASSETS → file on disk. */
const FILES = new Map<string, string>([
  ['dsfr.min.css', join(DSFR_DIST, 'dsfr.min.css')],
  ['dsfr.module.min.js', join(DSFR_DIST, 'dsfr.module.min.js')],
  ['favicon/favicon.svg', join(DSFR_DIST, 'favicon', 'favicon.svg')],
  ...FONTS.map((font): [string, string] => [`fonts/${font}.woff2`, join(DSFR_DIST, 'fonts', `${font}.woff2`)]),
  ['live.js', join(STATIC, 'live.js')],
]);

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

const cache = new Map<string, Asset>();

function assetOf(path: string): Asset | undefined {
  const file = FILES.get(path);
  if (!file) return undefined;
  let asset = cache.get(path);
  if (!asset) {
    const body = readFileSync(file);
    asset = { type: TYPES[extname(file)] ?? 'application/octet-stream', body, gzipped: gzipSync(body, { level: 9 }) };
    cache.set(path, asset);
  }
  return asset;
}

export function assetsRouter(): Router {
  const router = Router();
  router.get(`${ASSETS}/*path`, (req: Request, res: Response) => {
    const path = ([] as string[]).concat(req.params['path'] as string | string[]).join('/');
    const asset = assetOf(path);
    if (!asset) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    const gzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '') && !asset.type.startsWith('font/');
    res.set({ 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding' });
    if (gzip) res.set('content-encoding', 'gzip');
    res.send(gzip ? asset.gzipped : asset.body);
  });
  return router;
}
