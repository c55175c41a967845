/**
 * A queue of one: each call's `fn` starts once the calls before it have settled (a failure
 * does not stop the ones after). A store's single writer takes its statements in turn.
 */
export function inTurns(): <T>(fn: () => Promise<T>) => Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const p = turn.then(fn);
    turn = p.catch(() => {});
    return p;
  };
}
