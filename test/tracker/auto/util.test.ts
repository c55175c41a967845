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
    // schema.org's number form, as JSON-LD and microdata content values must be written.
    ['0.125', 0.125],
    ['12.500', 12.5],
    ['1.000', 1],
    ['2.5e3', 2500],
    ['.5', 0.5],
    ['-5.00', -5],
    // Text: its first amount, however the shop writes it.
    ['$ 281.40 $ 265.70', 281.4],
    ['Was £25.00 Now £19.99', 25],
    ['1.299 €', 1299],
    ['1,299', 1299],
    ["CHF 1'299.00", 1299],
    ['1\u202f299,00 €', 1299],
    ['₹1,29,999.00', 129999],
    ['12.345.678,90', 12345678.9],
    ['12,- €', 12],
    ['-5,00 €', -5],
    ['19,99 € 2024', 19.99],
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
