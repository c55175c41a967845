import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'koa';

/** A built file, read once at start, with its gzip form and ETag. */
export interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  js: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  map: 'application/json',
};

/** The files of `dir` whose names match `pattern`, by name; none when the directory is missing (not built). */
export function loadAssets(dir: string | undefined, pattern: RegExp): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!dir || !existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    if (!pattern.test(name)) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, {
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      type: TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream',
    });
  }
  return assets;
}

/**
 * Answers with an asset: its ETag (304 on If-None-Match), `cacheControl`, and gzip where
 * the browser takes it.
 */
export function sendAsset(ctx: Context, asset: Asset, cacheControl: string): void {
  ctx.set('ETag', asset.etag);
  ctx.set('Cache-Control', cacheControl);
  ctx.vary('Accept-Encoding');
  ctx.type = asset.type;
  if (ctx.get('if-none-match') === asset.etag) {
    ctx.status = 304;
    return;
  }
  if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = asset.gzip;
  } else ctx.body = asset.body;
}
