// Compares our PII redaction with @openredaction/openredaction on the labelled synthetic set and the ABCD/STAR corpus:
// precision and recall per type, an "ours ∪ theirs" row, and throughput. Run: npx tsx test/bench/pii-compare.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OpenRedaction } from '@openredaction/openredaction';
import type { Turn } from '../../src/domain.js';
import { findPii, findTurnSpans, loadPiiConfig, PII_TYPES } from '../../src/summarize/redact/pii.js';
import { evaluateCorpus, evaluateRecall, evaluateSynthetic, labelKind, parseLabelledCorpus, type TypedSpan } from '../support/pii-eval.js';
import { SYNTHETIC } from '../pii/synthetic.js';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));
/** The ABCD/STAR corpus beside the checkout (../shared), or where ABCD_CORPUS points (a git worktree elsewhere). */
const CORPUS = process.env.ABCD_CORPUS ?? root('../shared/data/abcd/conversations.jsonl');
const options = loadPiiConfig(root('config/pii.json'));
const theirs = new OpenRedaction();

/** Their account-number-like types (bank, customer, member, policy, loyalty, subscriber, utility… numbers). */
const THEIR_ACCOUNT = new Set([
  'BANK_ACCOUNT_UK', 'UK_SORT_CODE_ACCOUNT', 'CUSTOMER_ID', 'PAYMENT_CUSTOMER_ID', 'MEMBERSHIP_NUMBER', 'LOYALTY_CARD_NUMBER',
  'HOTEL_LOYALTY_NUMBER', 'POLICY_NUMBER', 'POLICY_HOLDER_ID', 'SUBSCRIBER_ID', 'TELECOMS_ACCOUNT_NUMBER', 'UTILITY_BILL_ACCOUNT',
  'LOAN_ACCOUNT', 'INVESTMENT_ACCOUNT', 'TRADING_ACCOUNT', 'RETIREMENT_ACCOUNT', 'HOSPITAL_ACCOUNT', 'HOA_ACCOUNT_NUMBER',
  'PROPERTY_TAX_ACCOUNT',
]);

/** Their detection types onto ours; everything else is 'other' (order numbers, gamer tags, flight numbers…). */
export function theirType(type: string): string {
  if (type === 'NAME') return 'name';
  if (THEIR_ACCOUNT.has(type)) return 'account';
  if (type === 'CVV' || type === 'CVV_CODE') return 'pin';
  if (type === 'UK_BANK_ACCOUNT_IBAN') return 'iban';
  if (type === 'EMAIL') return 'email';
  if (type === 'CREDIT_CARD') return 'card';
  if (type === 'IBAN') return 'iban';
  if (type === 'SSN') return 'ssn';
  if (type === 'DATE_OF_BIRTH') return 'dob';
  if (type.startsWith('PHONE') || type === 'EMERGENCY_CONTACT') return 'phone';
  if (type.startsWith('ADDRESS') || type === 'ZIP_CODE_US' || type === 'POSTCODE_UK') return 'address';
  return 'other';
}

const theirSpans = (text: string): TypedSpan[] =>
  theirs.detect(text).detections.map((d) => ({ type: theirType(d.type), start: d.position[0], end: d.position[1] }));
const ourSpans = (text: string): TypedSpan[] => findPii(text, options);
const union = (a: TypedSpan[], b: TypedSpan[]): TypedSpan[] => [...a, ...b.filter((s) => s.type !== 'other')];

const pct = (x: number): string => (Number.isNaN(x) ? '–' : x.toFixed(3));
const negativesTouched = (detect: (t: string) => TypedSpan[]): number => SYNTHETIC.filter((c) => c.pii.length === 0 && detect(c.text).length > 0).length;

function syntheticTable(): string {
  // passport, ip and the fail-closed number are not labelled in the synthetic set (the ASR set measures them).
  const labelled = PII_TYPES.filter((t) => t !== 'passport' && t !== 'ip' && t !== 'number');
  const rows = (detect: (t: string) => TypedSpan[]) => evaluateSynthetic(SYNTHETIC, detect, labelled);
  const [o, t, u] = [rows(ourSpans), rows(theirSpans), rows((x) => union(ourSpans(x), theirSpans(x)))];
  const lines = ['| type | n | ours P | ours R | theirs P | theirs R | ours∪theirs P | ours∪theirs R |', '|---|---|---|---|---|---|---|---|'];
  o.forEach((r, i) => {
    const [tr, ur] = [t[i]!, u[i]!];
    lines.push(`| ${r.type} | ${r.tp + r.fn} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(tr.precision)} | ${pct(tr.recall)} | ${pct(ur.precision)} | ${pct(ur.recall)} |`);
  });
  const neg = SYNTHETIC.filter((c) => c.pii.length === 0).length;
  lines.push('', `Look-alike texts (no PII; ${neg} of ${SYNTHETIC.length}) changed by any span: ours ${negativesTouched(ourSpans)}, theirs ${negativesTouched(theirSpans)} (theirs counting its non-PII types too).`);
  return lines.join('\n');
}

function corpusTable(turnsOf: Turn[][]): string {
  const corpus = parseLabelledCorpus(readFileSync(CORPUS, 'utf8'));
  const ours = evaluateCorpus(corpus, (turns) => findTurnSpans(turns, options));
  const them = evaluateCorpus(corpus, (turns) => turns.map((t) => theirSpans(t.text)));
  const both = evaluateCorpus(corpus, (turns) => findTurnSpans(turns, options).map((s, i) => union(s, theirSpans(turns[i]?.text ?? ''))));
  turnsOf.push(...corpus.map((c) => c.turns.map((t) => ({ ...t, at: '1970-01-01T00:00:00Z' }))));
  const find = (rows: typeof ours, type: string) => rows.find((r) => r.type === type);
  const lines = ['| type | labelled | ours R | ours P (labelled) | ours P (strict) | theirs R | theirs P (labelled) | theirs P (strict) | ours∪theirs R | ours∪theirs P (labelled) |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const type of ['name', 'email', 'phone', 'address', 'dob', 'account', 'pin', 'secret']) {
    const [a, b, c] = [find(ours, type), find(them, type), find(both, type)];
    lines.push(`| ${type} | ${a?.labelled ?? 0} | ${pct(a?.recall ?? NaN)} | ${pct(a?.precision ?? NaN)} | ${pct(a?.strictPrecision ?? NaN)} | ${pct(b?.recall ?? NaN)} | ${pct(b?.precision ?? NaN)} | ${pct(b?.strictPrecision ?? NaN)} | ${pct(c?.recall ?? NaN)} | ${pct(c?.precision ?? NaN)} |`);
  }
  const other = find(them, 'other');
  if (other) lines.push('', `Theirs also produced ${other.spans} spans of types we do not redact (order numbers, tracking ids, gamer tags…), ${other.wrong} of them over labelled order ids, usernames or membership levels.`);
  return lines.join('\n');
}

/** Our recall per labelled corpus type, `other` split by field (value gone from its turn after `redactTurns`). */
function recallByField(): string {
  const rows = evaluateRecall(parseLabelledCorpus(readFileSync(CORPUS, 'utf8')), labelKind);
  const lines = ['| labelled type | occurrences | redacted | recall |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.type} | ${r.total} | ${r.redacted} | ${pct(r.recall)} |`);
  return lines.join('\n');
}

function throughput(conversations: Turn[][]): string {
  const turns = conversations.reduce((n, c) => n + c.length, 0);
  const time = (run: () => void): number => {
    run(); // warm-up
    const start = performance.now();
    for (let i = 0; i < 3; i += 1) run();
    return (performance.now() - start) / 3;
  };
  const oursMs = time(() => conversations.forEach((c) => findTurnSpans(c, options)));
  const theirsMs = time(() => conversations.forEach((c) => c.forEach((t) => theirs.detect(t.text))));
  const per1k = (ms: number): string => ((ms / turns) * 1000).toFixed(1);
  return `Throughput on the ${turns} ABCD/STAR turns, same process and run: ours ${per1k(oursMs)} ms per 1,000 turns, theirs ${per1k(theirsMs)} ms per 1,000 turns — ours takes ${(oursMs / theirsMs).toFixed(2)}× their time.`;
}

function main(): void {
  const conversations: Turn[][] = [];
  const parts = [
    '# PII redaction: ours vs @openredaction/openredaction',
    '',
    `Generated by \`npx tsx test/bench/pii-compare.ts\` on ${new Date().toISOString().slice(0, 10)}. P = precision, R = recall.`,
    'Their types are mapped onto ours (NAME→name, PHONE_*→phone, ADDRESS_*/ZIP_CODE_US/POSTCODE_UK→address, CREDIT_CARD→card, IBAN/UK_BANK_ACCOUNT_IBAN→iban, SSN, DATE_OF_BIRTH→dob, BANK_ACCOUNT_UK/CUSTOMER_ID/MEMBERSHIP_NUMBER/POLICY_NUMBER/LOYALTY_CARD_NUMBER/SUBSCRIBER_ID/*_ACCOUNT…→account, CVV/CVV_CODE→pin; they have no PIN or security-answer type); their other types are left out of the per-type rows.',
    'A span is a true positive when it overlaps a labelled value of its type; a value is found when spans of its type (synthetic) or of any type (corpus) cover all its letters and digits.',
    '',
    `## Synthetic labelled set (test/pii/synthetic.ts, ${SYNTHETIC.length} texts)`,
    '',
    syntheticTable(),
  ];
  if (existsSync(CORPUS)) {
    parts.push(
      '',
      '## ABCD/STAR corpus (300 dialogues, customer values labelled)',
      '',
      'Ours runs over whole transcripts (`redactTurns` context: answers to "your name?", later mentions); theirs runs per turn.',
      'The corpus labels only the customer\'s values, so precision is approximate: "labelled" = tp / (tp + spans over a labelled value of another kind, e.g. an order id); "strict" = tp / all spans, counting every unlabelled span (agent or friends\' names, unlabelled addresses) as a false positive. A name span over a security answer (a maiden name) or the reverse is neither. Zip codes count as address, account_id as account, PINs as pin, security answers as secret; bare city names are labelled address but not redacted by design.',
      '',
      corpusTable(conversations),
      '',
      '### Our recall per labelled type, `other` split by field',
      '',
      'Order ids, usernames and membership levels (Gold/Silver/Bronze) are kept by design: they are what the agent works with, not identifiers of the person.',
      '',
      recallByField(),
      '',
      throughput(conversations),
    );
  }
  const out = `${parts.join('\n')}\n`;
  writeFileSync(fileURLToPath(new URL('./PII-RESULTS.md', import.meta.url)), out);
  console.log(out);
}

// Only when run as a script: pii-asr.ts imports theirType from here.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
