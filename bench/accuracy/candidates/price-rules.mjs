// The price rules that make every case in prices.jsonl right, as a reference for the
// tracker's num() (packages/tracker/src/auto/util.ts):
// 1. A number is itself.
// 2. JSON-LD and microdata `content` values follow schema.org: a plain decimal with '.' as
//    the decimal point and an optional exponent ("0.125", "12.500", "2.5e3", ".5", "-5.00").
//    A value that is not one (separators, currency) is read as text.
// 3. Text gives its first amount: digits joined by '.' or ',' and by a space, no-break
//    space, narrow no-break space or apostrophe before exactly three digits ("1 299,00").
// 4. In that amount, with both '.' and ',' the last one is the decimal point; with one kind
//    only, it groups thousands when repeated or followed by exactly three digits
//    ("1.299", "1,299", "12.345.678"), else it is the decimal point ("19,90", "9.95").
// Results are rounded to 6 decimals, as num() does now.
const SCHEMA = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const AMOUNT = /\d+(?:[.,]\d+|[ '\u00a0\u202f]\d{3}(?!\d))*/;

function fromText(s) {
  const m = AMOUNT.exec(s);
  if (!m) return undefined;
  const sign = /^\s*-\s*$/.test(s.slice(0, m.index)) ? -1 : 1;
  let a = m[0].replace(/[ '\u00a0\u202f]/g, '');
  const dot = a.lastIndexOf('.'), comma = a.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) {
    const dec = Math.max(dot, comma);
    a = a.slice(0, dec).replace(/[.,]/g, '') + '.' + a.slice(dec + 1);
  } else if (dot >= 0 || comma >= 0) {
    const sep = dot >= 0 ? '.' : ',';
    const parts = a.split(sep);
    a = parts.length > 2 || parts[1].length === 3 ? parts.join('') : parts.join('.');
  }
  return sign * Number(a);
}

export const name = 'price rules (reference)';
export function price(v, kind) {
  let n;
  if (typeof v === 'number') n = v;
  else if (v == null) return undefined;
  else {
    const s = ('' + v).trim();
    n = kind !== 'text' && SCHEMA.test(s) ? Number(s) : fromText(s);
  }
  return Number.isFinite(n) ? +n.toFixed(6) : undefined;
}
