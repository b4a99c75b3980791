// ReDoS smoke check for the PII redactor: times findPii and redactTurns on adversarial inputs of 10k, 20k and 40k
// characters and prints the growth ratio per doubling (≈2 is linear, ≈4 quadratic). Run: npx tsx test/bench/pii-redos.ts
// Prints only: no assertions on time (the machine's speed varies); test/pii asserts correctness on long inputs.
import type { Turn } from '../../src/domain.js';
import { findPii, redactTurns } from '../../src/summarize/redact/pii.js';
import { findIntroducedCredentials } from '../../src/summarize/redact/pii-credentials.js';
import { findIntroducedNames } from '../../src/summarize/redact/pii-names.js';
import { findPatternPii } from '../../src/summarize/redact/pii-patterns.js';
import { findSpokenNames } from '../../src/summarize/redact/pii-names-spoken.js';
import { findSpokenPii } from '../../src/summarize/redact/pii-spoken.js';

/** Adversarial shapes: long whitespace runs after a keyword, long words, long separator chains. */
const CASES: Array<[string, (n: number) => string]> = [
  ['"pin 1234" + spaces', (n) => `pin 1234${' '.repeat(n)}x`],
  ['"either 1234" + spaces', (n) => `either 1234${' '.repeat(n)}x`],
  ['"95381901" + spaces + "x" (account before pin)', (n) => `95381901${' '.repeat(n)}x`],
  ['"maiden name" + spaces', (n) => `maiden name${' '.repeat(n)}x`],
  ['"security answer" + spaces + ", is"', (n) => `security answer${' '.repeat(n)}, x`],
  ['"account" + spaces', (n) => `account${' '.repeat(n)}x`],
  ['"my son" + spaces', (n) => `my son${' '.repeat(n)}x`],
  ['"Thanks" + newlines', (n) => `Thanks${'\n'.repeat(n)}x`],
  ['one long word (email)', (n) => 'a'.repeat(n)],
  ['"A-A-A-…" (capitalized chain)', (n) => 'A-'.repeat(n / 2)],
  ['"1 1 1 …" (digit chain)', (n) => '1 '.repeat(n / 2)],
  ['"Mr A A A …"', (n) => `Mr ${'A '.repeat(n / 2)}`],
  ['"one one one …" (spoken digit chain)', (n) => 'one '.repeat(n / 4)],
  ['"a dot a dot …" (spoken e-mail without "at")', (n) => 'a dot '.repeat(n / 6)],
  ['"uh uh uh …" (fillers)', (n) => `one ${'uh '.repeat(n / 3)}`],
  ['"this is a a a …" (lower-case introduction)', (n) => `this is ${'a '.repeat(n / 2)}`],
];

const SIZES = [10_000, 20_000, 40_000];

/** The fastest of three runs (sub-millisecond timings are noisy). */
function time(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function row(name: string, make: (n: number) => string, detect: (text: string) => void): string {
  try {
    detect(make(1000)); // warm-up
  } catch (error) {
    return `| ${name} | threw: ${String(error).slice(0, 60)} | | | |`;
  }
  const ms = SIZES.map((n) => {
    try {
      return time(() => detect(make(n)));
    } catch {
      return Number.NaN;
    }
  });
  const growth = ms.slice(1).map((t, i) => (t / Math.max(ms[i]!, 0.01)).toFixed(1));
  return `| ${name} | ${ms.map((t) => t.toFixed(1)).join(' | ')} | ${growth.join(' / ')} |`;
}

const at = '2024-05-01T10:00:00Z';
const asPinReply = (text: string): void => {
  const turns: Turn[] = [
    { speaker: 'agent', text: 'Can you answer the security question, or give me your PIN?', at },
    { speaker: 'customer', text, at },
  ];
  redactTurns(turns);
};

const header = ['| input | 10k ms | 20k ms | 40k ms | growth per doubling |', '|---|---|---|---|---|'];
/** The detectors alone on the whole text: no whitespace collapsing, no windows (shows the patterns themselves). */
const raw = (text: string): void =>
  void [findPatternPii(text), findIntroducedCredentials(text), findIntroducedNames(text), findSpokenPii(text, { allNumbers: true }), findSpokenNames(text)];
console.log('Raw detectors (no whitespace collapsing, no windows)');
console.log([...header, ...CASES.map(([name, make]) => row(name, make, raw))].join('\n'));
console.log('');
console.log('findPii (context-free, also the output check)');
console.log([...header, ...CASES.map(([name, make]) => row(name, make, (t) => findPii(t)))].join('\n'));
console.log('\nredactTurns (reply to "security question, or your PIN?")');
console.log([...header, ...CASES.map(([name, make]) => row(name, make, asPinReply))].join('\n'));
