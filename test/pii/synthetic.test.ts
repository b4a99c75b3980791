// Precision and recall per PII type on the labelled synthetic set.
import { describe, expect, it } from 'vitest';
import { findPii, PII_TYPES, redactText, type PiiType } from '../../src/summarize/pii.js';
import { SYNTHETIC } from './synthetic.js';

type Tally = Record<PiiType, { tp: number; fp: number; fn: number }>;

function measure(): Tally {
  const tally = Object.fromEntries(PII_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }])) as Tally;
  for (const { text, pii } of SYNTHETIC) {
    const spans = findPii(text).map((s) => ({ ...s, value: text.slice(s.start, s.end) }));
    for (const span of spans) {
      const hit = pii.some((p) => p.type === span.type && (p.value.includes(span.value) || span.value.includes(p.value)));
      tally[span.type][hit ? 'tp' : 'fp'] += 1;
    }
    for (const p of pii) {
      const found = spans.some((s) => s.type === p.type && s.value.includes(p.value));
      if (!found) tally[p.type].fn += 1;
    }
  }
  return tally;
}

describe('synthetic labelled PII set', () => {
  const tally = measure();
  const rows = PII_TYPES.map((type) => {
    const { tp, fp, fn } = tally[type];
    return { type, tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
  });

  it('has enough labelled cases of every type', () => {
    expect(SYNTHETIC.length).toBeGreaterThanOrEqual(60);
    for (const row of rows) expect(row.tp + row.fn, row.type).toBeGreaterThanOrEqual(4);
  });

  it('finds every labelled value (recall 1 per type) and nothing else (precision 1 per type)', () => {
    console.log('synthetic PII set');
    console.table(rows);
    for (const row of rows) {
      expect(row.recall, `${row.type} recall`).toBe(1);
      expect(row.precision, `${row.type} precision`).toBe(1);
    }
  });

  it('leaves look-alike texts byte-for-byte unchanged', () => {
    for (const { text } of SYNTHETIC.filter((s) => s.pii.length === 0)) expect(redactText(text).text).toBe(text);
  });

  it('removes every labelled value from the redacted text', () => {
    for (const { text, pii } of SYNTHETIC) {
      const out = redactText(text).text;
      for (const p of pii) expect(out, text).not.toContain(p.value);
    }
  });
});
