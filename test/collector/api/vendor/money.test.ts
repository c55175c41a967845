import { describe, expect, it } from 'vitest';
import { decimalAmount, fitsStore, fromMinorUnits, minorUnitDigits } from '../../../../packages/collector/src/api/vendor/money.js';

describe('money', () => {
  it('knows the ISO 4217 minor unit, 2 unless listed otherwise', () => {
    expect(['USD', 'EUR', 'JPY', 'KWD', 'CLF', 'HUF', 'jpy', 'XYZ'].map(minorUnitDigits)).toEqual([2, 2, 0, 3, 4, 2, 0, 2]);
  });

  it('turns minor units into exact decimal text', () => {
    expect(fromMinorUnits(1000n, 'USD')).toBe('10.00');
    expect(fromMinorUnits(5n, 'USD')).toBe('0.05');
    expect(fromMinorUnits(0n, 'USD')).toBe('0.00');
    expect(fromMinorUnits(1000n, 'JPY')).toBe('1000');
    expect(fromMinorUnits(-5n, 'KWD')).toBe('-0.005');
    expect(fromMinorUnits(9007199254740993n, 'EUR')).toBe('90071992547409.93');
  });

  it('bounds amounts by what DECIMAL(18,4) keeps', () => {
    expect(fitsStore(10n ** 16n - 1n, 'USD')).toBe(true);
    expect(fitsStore(10n ** 16n, 'USD')).toBe(false);
    expect(fitsStore(-(10n ** 14n), 'JPY')).toBe(false);
  });

  it('reads decimal amounts from numbers and numeric text, and nothing else', () => {
    expect(decimalAmount(45.5)).toBe('45.5');
    expect(decimalAmount(0.1 + 0.2)).toBe('0.3000000000');
    expect(decimalAmount(' 12.30 ')).toBe('12.30');
    expect(decimalAmount(1e-7)).toBe('0');
    expect(decimalAmount(99999999999999)).toBe('99999999999999');
    for (const bad of [-1, 1e14, Infinity, NaN, '1e5', '-2', 'cheap', '', null, true, {}]) expect(decimalAmount(bad), String(bad)).toBeUndefined();
  });
});
