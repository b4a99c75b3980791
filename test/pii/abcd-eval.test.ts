// Redaction recall on the ABCD + STAR corpus (real customer-service dialogues with labelled, fictional PII).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findTurnSpans } from '../../src/summarize/redact/pii.js';
import { evaluateCorpus, evaluateRecall, labelKind, parseLabelledCorpus } from '../support/pii-eval.js';

const CORPUS = fileURLToPath(new URL('../../../shared/data/abcd/conversations.jsonl', import.meta.url));
const present = existsSync(CORPUS);
if (!present) console.log(`ABCD corpus not found at ${CORPUS}: skipping the corpus recall evaluation`);

describe.skipIf(!present)('PII recall on the ABCD/STAR corpus', () => {
  const rows = present ? evaluateRecall(parseLabelledCorpus(readFileSync(CORPUS, 'utf8'))) : [];
  const recall = (type: string): number => rows.find((r) => r.type === type)?.recall ?? Number.NaN;

  it('prints recall per labelled type', () => {
    console.log('ABCD/STAR redaction recall (value gone from its turn, case-insensitive, whole word)');
    console.table(rows.map((r) => ({ ...r, recall: Number(r.recall.toFixed(3)) })));
    expect(rows.reduce((n, r) => n + r.total, 0)).toBeGreaterThan(500);
  });

  it('meets the floors for the types we claim to handle', () => {
    expect(recall('email')).toBe(1);
    expect(recall('phone')).toBe(1);
    // Names given in answer to "may I have your name?", introduced, or repeated later ("Thanks Chloe").
    expect(recall('name')).toBeGreaterThanOrEqual(0.97);
    // Street addresses; bare city names ("your address in Newark") are out of scope.
    expect(recall('address')).toBeGreaterThanOrEqual(0.8);
  });

  it('leaves order ids alone (they are what the agent needs, not personal data)', () => {
    expect(recall('order_id')).toBe(0);
  });

  describe('account ids and `other` split by field (pin, security answer, dob, member level)', () => {
    const byField = present ? evaluateRecall(parseLabelledCorpus(readFileSync(CORPUS, 'utf8')), labelKind) : [];
    const field = (kind: string) => byField.find((r) => r.type === kind);

    it('prints recall per field', () => {
      console.table(byField.map((r) => ({ ...r, recall: Number(r.recall.toFixed(3)) })));
      for (const kind of ['account_id', 'other/pin', 'other/security_answer', 'other/dob', 'other/member_level']) expect(field(kind)?.total, kind).toBeGreaterThan(10);
    });

    it('meets the floors for account ids, PINs, security answers and dates of birth', () => {
      // Introduced ("Account ID: ZNMHQSNR5A", "my PIN is 0314") or given in reply to the agent's question.
      expect(field('account_id')?.recall).toBeGreaterThanOrEqual(0.95);
      expect(field('other/pin')?.recall).toBeGreaterThanOrEqual(0.95);
      expect(field('other/security_answer')?.recall).toBeGreaterThanOrEqual(0.95);
      expect(field('other/dob')?.recall).toBe(1);
    });

    it('keeps membership levels (Gold/Silver/Bronze are a service tier, not an identifier)', () => {
      expect(field('other/member_level')?.recall).toBe(0);
    });
  });

  describe('typed recall and approximate precision (evaluateCorpus)', () => {
    const typed = present ? evaluateCorpus(parseLabelledCorpus(readFileSync(CORPUS, 'utf8')), (turns) => findTurnSpans(turns)) : [];
    const row = (type: string) => typed.find((r) => r.type === type);

    it('meets recall floors for email, phone, name, address (incl. zip) and DOB', () => {
      console.table(typed);
      expect(row('email')?.recall).toBe(1);
      expect(row('phone')?.recall).toBe(1);
      expect(row('name')?.recall).toBeGreaterThanOrEqual(0.97);
      // Street addresses and zip codes; bare city names ("Newark") are labelled but out of scope.
      expect(row('address')?.recall).toBeGreaterThanOrEqual(0.8);
      expect(row('dob')?.recall).toBe(1);
    });

    it('meets recall floors for account ids, PINs and security answers', () => {
      expect(row('account')?.recall).toBeGreaterThanOrEqual(0.95);
      expect(row('pin')?.recall).toBeGreaterThanOrEqual(0.95);
      expect(row('secret')?.recall).toBeGreaterThanOrEqual(0.95);
    });

    it('meets precision floors against the labels (no span over an order id, username or another kind of value)', () => {
      for (const type of ['email', 'phone', 'name', 'address', 'dob', 'pin', 'secret']) expect(row(type)?.precision, type).toBe(1);
      // One username given in reply to "your account ID?" is taken for the account id.
      expect(row('account')?.precision).toBeGreaterThanOrEqual(0.97);
      expect(row('account')?.strictPrecision).toBeGreaterThanOrEqual(0.95);
      expect(row('pin')?.strictPrecision).toBeGreaterThanOrEqual(0.95);
      expect(row('secret')?.strictPrecision).toBeGreaterThanOrEqual(0.9);
      // Strict: every unlabelled span counted wrong (agent and friends' names are real names, so this is a lower bound).
      expect(row('name')?.strictPrecision).toBeGreaterThanOrEqual(0.9);
      expect(row('email')?.strictPrecision).toBe(1);
    });
  });
});
