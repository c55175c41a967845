// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { product } from '../../../packages/tracker/src/auto/product.js';

describe('helpers', () => {
  it('product() needs an id', () => {
    expect(product({ name: 'no id' })).toBeUndefined();
    expect(product({ '@type': 'Product', url: '/p/1' })).toMatchObject({ productId: '/p/1' });
  });
});
