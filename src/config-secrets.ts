// The rules secrets in the configuration must follow (whitespace, length, variety, all different); never echoes a value.

/** A secret as configured: the variable that holds it and, for API_KEYS, which entry. */
export interface NamedSecret {
  /** How an error names it, e.g. `WEBHOOK_TOKEN` or `API_KEYS entry 2`. */
  name: string;
  value: string;
  /** Bearer tokens a client presents (API keys, the webhook token) must also be long and varied. */
  bearer: boolean;
}

/** Shortest accepted API key or webhook token. */
export const MIN_TOKEN_LENGTH = 32;
/** Fewest different characters an API key or webhook token must contain. */
export const MIN_DISTINCT_CHARS = 10;

/** The rule as one sentence, for error messages and the README. */
export const TOKEN_RULE =
  `at least ${MIN_TOKEN_LENGTH} characters, at least ${MIN_DISTINCT_CHARS} different ones, and not mostly a ` +
  'sequence or a repetition (e.g. `openssl rand -hex 32`)';

/**
 * True when at least half of the neighbouring character pairs are "steps": the same character again or its
 * neighbour in the character table (aaaa…, abcd…, 4321…). A random 64-symbol string has ~5% steps.
 */
function mostlySequence(value: string): boolean {
  let steps = 0;
  for (let i = 1; i < value.length; i += 1) {
    if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) <= 1) steps += 1;
  }
  return steps * 2 >= value.length - 1;
}

/** True when the value is one shorter block repeated (e.g. `0123456789` four times), i.e. it has a period ≤ half its length. */
function repeatedBlock(value: string): boolean {
  for (let period = 1; period <= value.length / 2; period += 1) {
    if (value.length % period !== 0) continue;
    if (value.slice(0, period).repeat(value.length / period) === value) return true;
  }
  return false;
}

/** Why a bearer token is too weak, or undefined when it is acceptable. */
export function weakTokenReason(value: string): string | undefined {
  if (value.length < MIN_TOKEN_LENGTH) return `is ${value.length} characters long`;
  if (new Set(value).size < MIN_DISTINCT_CHARS) return `has only ${new Set(value).size} different characters`;
  if (repeatedBlock(value)) return 'is a repeated block';
  if (mostlySequence(value)) return 'is mostly a sequence of neighbouring or repeated characters';
  return undefined;
}

/**
 * Every rule a set of (already trimmed) secrets breaks, as messages that name the variable and the rule but never
 * contain a secret: no inner whitespace, bearer tokens long and varied, no two secrets equal.
 */
export function secretProblems(secrets: NamedSecret[]): string[] {
  const problems: string[] = [];
  for (const secret of secrets) {
    if (/\s/.test(secret.value)) {
      problems.push(`${secret.name} contains whitespace (leading and trailing whitespace is trimmed; inside a secret it can never match)`);
      continue;
    }
    const weak = secret.bearer ? weakTokenReason(secret.value) : undefined;
    if (weak) problems.push(`${secret.name} is too weak: it ${weak}; it must have ${TOKEN_RULE}`);
  }
  const firstByValue = new Map<string, string>();
  for (const secret of secrets) {
    const earlier = firstByValue.get(secret.value);
    if (earlier === undefined) firstByValue.set(secret.value, secret.name);
    else problems.push(`${secret.name} must differ from ${earlier}: every secret (API keys, webhook token, Genesys and OpenAI secrets) must be different`);
  }
  return problems;
}
