// Integrity of the labelled ASR set: reproducible, big enough, every form in both halves, exact labels, valid
// checksums, and no held-out value (or name) that the rule writer could have seen in the dev half.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentPositions } from './asr-score.js';
import { generateSet, serializeSet, SET_FILE } from './asr-set/generate.js';
import { LOOKALIKE_TYPES, PLANTED_TYPES, REQUIRED_FORMS, type Half, type LabelledValue } from './asr-set/set-types.js';
import { ibanCheck, luhnCheck } from './asr-set/values.js';
import { loadSet } from './asr-eval.js';

const set = loadSet();
const HALVES: readonly Half[] = ['dev', 'heldout'];
const values = (half?: Half): LabelledValue[] => set.conversations.filter((c) => !half || c.half === half).flatMap((c) => c.values);

describe('the ASR set (test/pii/asr-set/set.json)', () => {
  it('is exactly what the seeded generator writes', () => {
    expect(readFileSync(SET_FILE, 'utf8')).toBe(serializeSet(generateSet()));
  });

  it('has ≥ 300 planted values over the 11 types and ≥ 300 look-alikes, in both halves', () => {
    expect(values().filter((v) => v.kind === 'pii').length).toBeGreaterThanOrEqual(300);
    expect(values().filter((v) => v.kind === 'lookalike').length).toBeGreaterThanOrEqual(300);
    for (const half of HALVES) {
      for (const type of PLANTED_TYPES) expect(values(half).filter((v) => v.kind === 'pii' && v.type === type).length, `${half} ${type}`).toBeGreaterThanOrEqual(20);
      for (const type of LOOKALIKE_TYPES) expect(values(half).filter((v) => v.kind === 'lookalike' && v.type === type).length, `${half} ${type}`).toBeGreaterThanOrEqual(10);
    }
  });

  it('is split by conversation, stratified: each language × medium has as many conversations in dev as held out', () => {
    for (const language of ['en', 'es', 'de']) {
      for (const media of ['voice', 'message', 'email']) {
        const count = (half: Half): number => set.conversations.filter((c) => c.half === half && c.language === language && c.media === media).length;
        expect(count('dev'), `${language} ${media}`).toBeGreaterThan(0);
        expect(count('dev'), `${language} ${media}`).toBe(count('heldout'));
      }
    }
    expect(new Set(set.conversations.map((c) => c.id)).size).toBe(set.conversations.length);
  });

  it('has every form the issue lists in both halves', () => {
    for (const half of HALVES) {
      const present = new Set(values(half).map((v) => `${v.type}|${v.form}`));
      const missing = REQUIRED_FORMS.filter(([type, form]) => !present.has(`${type}|${form}`));
      expect(missing, half).toEqual([]);
    }
  });

  it('has hang-up calls to skip in every language and both halves, with nothing planted', () => {
    for (const half of HALVES) {
      const skips = set.conversations.filter((c) => c.half === half && c.expect === 'skip');
      expect(new Set(skips.map((c) => c.language))).toEqual(new Set(['en', 'es', 'de']));
      for (const c of skips) expect(c.values).toEqual([]);
    }
  });

  it('labels exact, non-overlapping substrings, each planted value with content to catch', () => {
    for (const c of set.conversations) {
      for (const v of c.values) {
        const text = c.turns[v.turn]?.text ?? '';
        expect(text.slice(v.start, v.end), c.id).toBe(v.text);
        if (v.kind === 'pii') expect(contentPositions(text, v.start, v.end).length, `${c.id} ${v.text}`).toBeGreaterThan(0);
      }
      const sorted = [...c.values].sort((a, b) => a.turn - b.turn || a.start - b.start);
      sorted.forEach((v, i) => {
        const next = sorted[i + 1];
        if (next && next.turn === v.turn) expect(next.start, `${c.id}: ${v.text} / ${next.text}`).toBeGreaterThanOrEqual(v.end);
      });
    }
  });

  it('writes voice as a speech engine does (lower case, no digits or punctuation) and has no brackets anywhere', () => {
    for (const c of set.conversations) {
      for (const t of c.turns) {
        expect(t.text, c.id).not.toMatch(/[[\]]/);
        if (c.media === 'voice') expect(t.text, c.id).toMatch(/^[\p{Ll}' ]+$/u);
      }
    }
  });

  it('never reuses a held-out value or name in the dev half', () => {
    const canonical = (half: Half): Set<string> => new Set(values(half).filter((v) => v.kind === 'pii').map((v) => v.value.toLowerCase()));
    const dev = canonical('dev');
    expect([...canonical('heldout')].filter((v) => dev.has(v))).toEqual([]);
    const nameWords = (half: Half): Set<string> => new Set(values(half).filter((v) => v.type === 'name').flatMap((v) => v.value.toLowerCase().split(' ')));
    const devNames = nameWords('dev');
    expect([...nameWords('heldout')].filter((w) => devNames.has(w))).toEqual([]);
  });

  it('uses Luhn-valid cards, mod-97-valid IBANs and never-issued US SSNs', () => {
    const of = (type: string): string[] => values().filter((v) => v.type === type).map((v) => v.value);
    for (const card of of('card')) expect(luhnCheck(card.slice(0, -1)), card).toBe(card.slice(-1));
    for (const iban of of('iban')) expect(ibanCheck(iban.slice(0, 2), iban.slice(4)), iban).toBe(iban.slice(2, 4));
    const us = of('ssn').filter((s) => /^\d{3}-\d{2}-\d{4}$/.test(s));
    expect(us.length).toBeGreaterThan(5);
    for (const ssn of us) expect(ssn, ssn).toMatch(/^(?:666|9\d\d)-/);
  });
});
