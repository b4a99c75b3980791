// The PII vocabulary shared by the detectors, the redactor and the output validator.

/** Every PII type the redactor detects; the placeholder is `[${type.toUpperCase()}]`. `account` covers account numbers
 * and customer/member ids, `pin` PINs, passcodes and card security codes (CVV), `secret` answers to security questions,
 * `passport` passport and identity document numbers, `ip` IPv4 addresses, and `number` any other long number or id
 * that no rule explains as harmless (the fail-closed rule: see pii-numbers.ts). */
export const PII_TYPES = ['card', 'email', 'phone', 'ssn', 'iban', 'dob', 'address', 'name', 'account', 'pin', 'secret', 'passport', 'ip', 'number'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** One detected PII value, as character offsets into the scanned text (end exclusive). */
export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
}

/** The placeholder that replaces a value of `type`, e.g. `[CARD]`. */
export function placeholder(type: PiiType): string {
  return `[${type.toUpperCase()}]`;
}

/** Keeps the earliest, then longest, of overlapping spans; returns them sorted by start. */
export function resolveOverlaps(spans: PiiSpan[]): PiiSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: PiiSpan[] = [];
  for (const span of sorted) {
    const last = kept[kept.length - 1];
    if (last && span.start < last.end) continue;
    kept.push(span);
  }
  return kept;
}
