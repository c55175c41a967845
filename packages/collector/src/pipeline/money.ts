/** The largest amount the store keeps: 18 digits, 4 of them decimals (DECIMAL(18,4)). */
const MAX_UNITS = 10n ** 18n - 1n;

/**
 * An amount as the store keeps it: a decimal string with at most 4 decimals, rounded half
 * away from zero on the fifth, never past 18 digits (99999999999999.99995 is kept as
 * 99999999999999.9999, the largest it can hold). `v` has the validator's shape: an
 * optional minus, at most 14 integer digits, at most 10 decimals.
 */
export function storedAmount(v: string): string {
  const [int = '0', frac = ''] = v.split('.');
  const neg = int.startsWith('-');
  const units = BigInt((neg ? int.slice(1) : int) + (frac + '0000').slice(0, 4));
  const rounded = frac.length > 4 && frac[4]! >= '5' && units < MAX_UNITS ? units + 1n : units;
  const digits = rounded.toString().padStart(5, '0');
  const text = `${digits.slice(0, -4)}.${digits.slice(-4)}`.replace(/\.?0+$/, '');
  return rounded === 0n ? '0' : neg ? `-${text}` : text;
}
