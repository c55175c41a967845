/** JSON nested deeper than any event needs is refused before it costs a stack. */
export const MAX_DEPTH = 32;

/** Whether a parsed JSON value nests objects or arrays deeper than `max` levels. */
export function tooDeep(value: unknown, max = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}
