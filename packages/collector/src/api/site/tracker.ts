import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type Router from '@koa/router';

/** The directory of the built tracker (the @cartbeacon/tracker package's dist). */
export function defaultTrackerDir(): string | undefined {
  try {
    // An asset of a dependency, read from disk: the collector does not import the tracker.
    return dirname(createRequire(import.meta.url).resolve('@cartbeacon/tracker/cartbeacon.js'));
  } catch {
    return undefined;
  }
}

interface Asset {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  type: string;
}

/** The bundle and its lazily loaded chunks: cartbeacon*.js and their source maps. */
const ASSET = /^cartbeacon[\w.-]*\.js(\.map)?$/;

function loadAssets(dir: string | undefined): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!dir || !existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    if (!ASSET.test(name)) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, {
      body,
      gzip: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      type: name.endsWith('.map') ? 'application/json' : 'application/javascript; charset=utf-8',
    });
  }
  return assets;
}

/**
 * `GET /cartbeacon.js` (and its chunks): the tracker, read once at start, served with
 * an ETag (304 on If-None-Match), an hour of caching, and gzip where the browser takes it.
 */
export function trackerRoutes(router: Router, dir = defaultTrackerDir()) {
  const assets = loadAssets(dir);
  router.get('/:file', (ctx, next): unknown => {
    const asset = ASSET.test(ctx.params.file!) ? assets.get(ctx.params.file!) : undefined;
    if (!asset) {
      if (ctx.params.file === 'cartbeacon.js') {
        ctx.status = 404;
        ctx.body = 'cartbeacon.js is not built: run "npm run build"';
        return undefined;
      }
      return next();
    }
    ctx.set('ETag', asset.etag);
    ctx.set('Cache-Control', 'public, max-age=3600, stale-while-revalidate=86400');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.vary('Accept-Encoding');
    ctx.type = asset.type;
    if (ctx.get('if-none-match') === asset.etag) {
      ctx.status = 304;
      return undefined;
    }
    if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = asset.gzip;
    } else ctx.body = asset.body;
    return undefined;
  });
}
