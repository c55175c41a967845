import { describe, expect, it } from 'vitest';
import { num, txt } from '../../../packages/tracker/src/auto/util.js';

describe('helpers', () => {
  it.each([
    [19.9, 19.9],
    ['19.90', 19.9],
    ['19,90 €', 19.9],
    ['$1,299.00', 1299],
    ['1.299,00', 1299],
    ['1 234,5', 1234.5],
    [0.1 + 0.2, 0.3],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
    ['free', undefined],
    [Infinity, undefined],
  ])('num(%j) is %j', (v, n) => expect(num(v)).toBe(n));

  it('txt reads strings, numbers, objects and lists', () => {
    expect(txt(' a ')).toBe('a');
    expect(txt(7)).toBe('7');
    expect(txt({ name: 'Acme', url: 'https://acme' })).toBe('Acme');
    expect(txt([{ url: 'u.jpg', name: 'n' }], 'url')).toBe('u.jpg');
    expect(txt({ contentUrl: 'c.jpg' }, 'url')).toBe('c.jpg');
    expect(txt({ '@value': 'v' })).toBe('v');
    expect(txt({})).toBeUndefined();
    expect(txt([])).toBeUndefined();
    expect(txt('  ')).toBeUndefined();
  });
});
