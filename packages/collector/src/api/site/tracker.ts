import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Router from '@koa/router';
import { loadAssets, sendAsset } from '../../http/static-assets.js';

/** The directory of the built tracker (the @cartbeacon/tracker package's dist). */
export function defaultTrackerDir(): string | undefined {
  try {
    // An asset of a dependency, read from disk: the collector does not import the tracker.
    return dirname(createRequire(import.meta.url).resolve('@cartbeacon/tracker/cartbeacon.js'));
  } catch {
    return undefined;
  }
}

/** The bundle and its lazily loaded chunks: cartbeacon*.js and their source maps. */
const ASSET = /^cartbeacon[\w.-]*\.js(\.map)?$/;

/**
 * `GET /cartbeacon.js` (and its chunks): the tracker, read once at start, served with
 * an ETag (304 on If-None-Match), an hour of caching, and gzip where the browser takes it.
 */
export function trackerRoutes(router: Router, dir = defaultTrackerDir()) {
  const assets = loadAssets(dir, ASSET);
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
    ctx.set('Access-Control-Allow-Origin', '*');
    sendAsset(ctx, asset, 'public, max-age=3600, stale-while-revalidate=86400');
    return undefined;
  });
}
