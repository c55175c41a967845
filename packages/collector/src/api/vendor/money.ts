/**
 * Exact money for the vendor APIs: amounts become decimal strings for the store's
 * DECIMAL(18,4) columns without passing through binary floating point.
 */

/**
 * ISO 4217 currencies whose minor unit is not 2 (the standard's list, as published by its
 * maintenance agency). Intl is no substitute: V8 answers CLDR's display digits (0 for HUF,
 * whose ISO minor unit is 2).
 */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Digits after the decimal point in `currency`'s minor unit (2 for codes ISO 4217 does not list otherwise). */
export const minorUnitDigits = (currency: string): number => EXPONENTS[currency.toUpperCase()] ?? 2;

/** The store keeps 14 integer digits (DECIMAL(18,4)). */
const INTEGER_DIGITS = 14;

/** Whether `minor` units of `currency` fit the store's DECIMAL(18,4). */
export function fitsStore(minor: bigint, currency: string): boolean {
  const abs = minor < 0n ? -minor : minor;
  return abs < 10n ** BigInt(INTEGER_DIGITS + minorUnitDigits(currency));
}

/** 1000 USD cents → "10.00"; 1000 JPY → "1000"; -5 KWD fils → "-0.005". */
export function fromMinorUnits(minor: bigint, currency: string): string {
  const digits = minorUnitDigits(currency);
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(digits + 1, '0');
  const text = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return neg ? `-${text}` : text;
}

/** A decimal amount given as a JSON number or string ("45.5"), or undefined when it is not one the store can keep. */
export function decimalAmount(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0 || v >= 10 ** INTEGER_DIGITS) return undefined;
    // The shortest text that reads back as the same double: what the sender wrote.
    return decimalText(String(v));
  }
  if (typeof v === 'string') return decimalText(v.trim());
  return undefined;
}

function decimalText(s: string): string | undefined {
  // String(1e-7) is "1e-7": below the store's 4 decimals anyway, so it counts as 0.
  if (/^\d+(\.\d+)?e-\d+$/i.test(s)) return '0';
  // Past 10 decimals is float noise (0.1 + 0.2); the store rounds to 4 anyway.
  const m = /^(\d{1,14})(\.\d+)?$/.exec(s);
  return m ? m[1]! + (m[2] ?? '').slice(0, 11) : undefined;
}
