// English verb forms for the extractive summarizer's past-tense wrap-up notes ("I am issuing" → "issued").

const IRREGULAR: Record<string, string> = {
  send: 'sent', make: 'made', do: 'did', give: 'gave', take: 'took', set: 'set', put: 'put', get: 'got', find: 'found',
  reset: 'reset', ship: 'shipped', cancel: 'cancelled', write: 'wrote', see: 'saw', go: 'went', pay: 'paid', lay: 'laid',
  have: 'had', tell: 'told', leave: 'left', run: 'ran', begin: 'began', say: 'said', hold: 'held', drop: 'dropped',
  stop: 'stopped', plan: 'planned', submit: 'submitted', refer: 'referred', transfer: 'transferred', flag: 'flagged',
  log: 'logged', unlock: 'unlocked', pin: 'pinned', add: 'added', email: 'emailed', be: 'was',
};
const PARTICIPLE_TO_PAST: Record<string, string> = { done: 'did', given: 'gave', taken: 'took', written: 'wrote', seen: 'saw', gone: 'went', been: 'was' };
const ING_TO_BASE: Record<string, string> = {
  issuing: 'issue', processing: 'process', sending: 'send', making: 'make', creating: 'create', updating: 'update',
  scheduling: 'schedule', arranging: 'arrange', changing: 'change', removing: 'remove', reversing: 'reverse',
  replacing: 'replace', waiving: 'waive', escalating: 'escalate', upgrading: 'upgrade', cancelling: 'cancel',
  canceling: 'cancel', shipping: 'ship', submitting: 'submit', resetting: 'reset', setting: 'set', placing: 'place',
  closing: 'close', releasing: 'release', applying: 'apply', raising: 'raise', booking: 'book',
  refunding: 'refund', crediting: 'credit', adding: 'add', opening: 'open', locking: 'lock', blocking: 'block',
  ordering: 'order', transferring: 'transfer', reserving: 'reserve', moving: 'move', noting: 'note', logging: 'log',
  emailing: 'email', approving: 'approve', activating: 'activate', deactivating: 'deactivate', confirming: 'confirm',
};

/** Simple past of a base verb: "upgrade" → "upgraded", "send" → "sent", "apply" → "applied". */
export function pastOf(verb: string): string {
  const v = verb.toLowerCase();
  const irregular = IRREGULAR[v];
  if (irregular) return irregular;
  if (v.endsWith('e')) return `${v}d`;
  if (/[^aeiou]y$/.test(v)) return `${v.slice(0, -1)}ied`;
  return `${v}ed`;
}

/** "issuing" → "issued" for known service verbs, else undefined. */
export function pastOfIng(verb: string): string | undefined {
  const base = ING_TO_BASE[verb.toLowerCase()];
  return base ? pastOf(base) : undefined;
}

/** Past participle used as simple past: "submitted" → "submitted", "done" → "did". */
export const participleToPast = (participle: string): string => PARTICIPLE_TO_PAST[participle.toLowerCase()] ?? participle;

/** Does the word look like a past participle or simple past ("updated", "sent", "done", "set up")? */
export function isPastForm(word: string): boolean {
  const w = word.toLowerCase();
  return /^[a-z]{3,}ed$/.test(w) || w in PARTICIPLE_TO_PAST || Object.values(IRREGULAR).includes(w);
}

/**
 * Third-person agent text (after toCustomerView) in the past tense: "the agent has lowered" → "the agent lowered",
 * "the agent is issuing … right now" → "the agent issued …". Unknown verbs are left as they are.
 */
export function agentPast(text: string): string {
  return text
    .replace(/\bthe (agent|team) (?:has|have) (?:also |now |just |already )*(\w+)\b/gi, (m, who: string, v: string) =>
      isPastForm(v) ? `the ${who} ${participleToPast(v)}` : m,
    )
    .replace(/\bthe (agent|team) (?:is|are) (?:also |now |just )*(\w+ing)\b/gi, (m, who: string, v: string) => {
      const past = pastOfIng(v);
      return past ? `the ${who} ${past}` : m;
    })
    .replace(/,?\s*\b(?:right now|right away|straight away|as we speak)\b/gi, '');
}
