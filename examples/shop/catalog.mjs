/**
 * The demo shop's catalogue: three products in two categories. A real shop reads
 * this from its database; the tracker calls only need the same fields.
 */
export const CURRENCY = 'EUR';

export const CATEGORIES = [
  { slug: 'coffee', name: 'Coffee' },
  { slug: 'brewing', name: 'Brewing gear' },
];

export const PRODUCTS = [
  {
    id: 'espresso-blend',
    title: 'Harbour Espresso Blend, 250 g',
    brand: 'Beacon Roasters',
    category: 'coffee',
    price: 12.9,
    color: '#6b3e26',
    description: 'Chocolate, hazelnut and a long, sweet finish. Roasted for espresso, fine in a moka pot.',
  },
  {
    id: 'ethiopia-yirgacheffe',
    title: 'Ethiopia Yirgacheffe, 250 g',
    brand: 'Beacon Roasters',
    category: 'coffee',
    price: 15.5,
    oldPrice: 17,
    color: '#a0522d',
    description: 'Washed heirloom varieties: jasmine, bergamot and lemon. Light roast for filter.',
  },
  {
    id: 'pour-over-kettle',
    title: 'Gooseneck Pour-over Kettle, 0.9 l',
    brand: 'Lighthouse Tools',
    category: 'brewing',
    price: 39,
    color: '#44546a',
    description: 'A steady, slow pour for filter coffee. Stainless steel, works on every hob.',
  },
];

export const productById = (id) => PRODUCTS.find((p) => p.id === id);
export const categoryBySlug = (slug) => CATEGORIES.find((c) => c.slug === slug);
