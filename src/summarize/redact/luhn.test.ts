import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid } from './luhn.js';

describe('luhnValid', () => {
  it('accepts real test card numbers', () => {
    for (const n of ['4111111111111111', '5500000000000004', '378282246310005', '6011111111111117', '79927398713']) {
      expect(luhnValid(n), n).toBe(true);
    }
  });
  it('rejects a changed check digit, non-digits and too-short input', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('0')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('ibanValid', () => {
  it('accepts valid IBANs with or without spaces, any case', () => {
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('de89370400440532013000')).toBe(true);
  });
  it('rejects a wrong checksum or shape', () => {
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(ibanValid('GB82')).toBe(false);
    expect(ibanValid('1234 5678 9012 3456')).toBe(false);
  });
});
