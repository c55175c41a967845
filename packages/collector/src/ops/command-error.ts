/**
 * Why a command cannot do what was asked here and now (`serve`: the port, the data dir;
 * `backup`: the target, no collector running), told in one line that says what to
 * change. The CLI prints it and exits 1; `npm start` does the same.
 */
export class CommandError extends Error {
  override name = 'CommandError';
}
