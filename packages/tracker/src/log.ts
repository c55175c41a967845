/** Reports a problem: on the console with `debug`, else nowhere (snowplow's `logger.ts`). */
export type Log = (...args: unknown[]) => unknown;

export const logger =
  (o: { debug?: boolean }): Log =>
  (...args) =>
    o.debug && console.warn('cartbeacon:', ...args);

/** `fn` in a try/catch that reports to `log`: what the page calls never throws into it. */
export const guard =
  (log: Log) =>
  <A extends unknown[]>(fn: (...args: A) => void) =>
  (...args: A): void => {
    try {
      fn(...args);
    } catch (e) {
      log(e);
    }
  };
