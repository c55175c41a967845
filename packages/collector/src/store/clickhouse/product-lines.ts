/**
 * A purchase's product lines as columns of its row, made at load time: ClickHouse 18.16
 * has no JSON functions, so what the dashboard's products read of `data.productList` is
 * taken out here, once per purchase (other rows leave the columns empty), as DuckDB reads
 * it at query time (store/duckdb/dashboard.ts): the product id as text, the line's
 * currency (upper-cased, '' for none: the query falls back to the purchase's, then the
 * account's), and price × quantity (quantity 1 when not given), exact to the 4 places
 * each is stored with; `line_priced` 0 where the price is missing or not a number.
 */

/** The columns, in event_rows after `seq`. */
export const PRODUCT_LINE_COLUMNS_DDL = [
  'line_products Array(String)',
  'line_currencies Array(String)',
  'line_amounts Array(Decimal(38, 8))',
  'line_priced Array(UInt8)',
];

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A number's text (or a JSON number, as its JSON text reads) as ten-thousandths, as
 * DuckDB casts text to DECIMAL(18,4): surrounding whitespace, a sign and an exponent
 * taken, rounded half away from zero; undefined when not a number.
 */
export function tenThousandths(v: unknown): bigint | undefined {
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  const m = NUMBER.exec(String(v).trim());
  if (!m || !(m[2] || m[3])) return undefined;
  const [, sign, int = '', frac = '', exp = '0'] = m;
  // The digits, and where the point falls among them once the exponent moves it.
  const digits = int + frac;
  const point = int.length + Number(exp);
  if (point > 30) return undefined;
  const whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const rest = point < 0 ? '0'.repeat(-point) + digits : digits.slice(Math.max(point, 0));
  let n = BigInt(whole + rest.padEnd(4, '0').slice(0, 4));
  if (rest.length > 4 && rest[4]! >= '5') n += 1n;
  return sign === '-' ? -n : n;
}

/** Ten-thousandths × ten-thousandths (1e-8 units) as a bare JSON number with 8 places. */
function amountText(units: bigint): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(9, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -8)}.${digits.slice(-8)}`;
}

interface Line {
  productId?: unknown;
  price?: unknown;
  currency?: unknown;
  quantity?: unknown;
}

/** The columns' JSONEachRow fields (with a leading comma) for a purchase's `data` text; '' when it has no product list. */
export function productLineFields(data: string): string {
  const list = (JSON.parse(data) as { productList?: unknown }).productList;
  if (!Array.isArray(list)) return '';
  const products: string[] = [];
  const currencies: string[] = [];
  const amounts: string[] = [];
  const priced: number[] = [];
  for (const l of list as Line[]) {
    if (!l || typeof l !== 'object' || (typeof l.productId !== 'string' && typeof l.productId !== 'number')) continue;
    products.push(String(l.productId));
    // DuckDB's trim takes spaces off, upper every letter.
    currencies.push(typeof l.currency === 'string' ? l.currency.replace(/^ +| +$/g, '').toUpperCase() : '');
    const price = tenThousandths(l.price);
    const quantity = l.quantity === undefined || l.quantity === null ? 10_000n : (tenThousandths(l.quantity) ?? 10_000n);
    amounts.push(amountText(price === undefined ? 0n : price * quantity));
    priced.push(price === undefined ? 0 : 1);
  }
  return `,"line_products":${JSON.stringify(products)},"line_currencies":${JSON.stringify(currencies)},"line_amounts":[${amounts.join(',')}],"line_priced":[${priced.join(',')}]`;
}
