// The customer's request in the third person: the intent field ("Customer wants to …") and the summary's opening
// sentence in the past tense ("The customer wanted to …").
import { toThirdPerson } from './perspective.js';

type Rule = [RegExp, string, string];

/** [pattern, present lead, past lead]; the rest of the sentence follows in the third person. */
const RULES: Rule[] = [
  [/^(?:i\s+)?(?:want|wanted)\s+to\s+/i, 'Customer wants to ', 'The customer wanted to '],
  [/^i(?:\s+would|['’]d)\s+like\s+(?:for\s+)?you\s+to\s+/i, 'Customer asked the agent to ', 'The customer asked the agent to '],
  [/^i(?:\s+would|['’]d)\s+like\s+to\s+/i, 'Customer would like to ', 'The customer wanted to '],
  [/^i(?:\s+would|['’]d)\s+like\s+/i, 'Customer would like ', 'The customer asked for '],
  [/^i\s+need\s+to\s+/i, 'Customer needs to ', 'The customer needed to '],
  [/^i\s+need\s+/i, 'Customer needs ', 'The customer needed '],
  [/^i(?:'m|\s+am)\s+trying\s+to\s+/i, 'Customer is trying to ', 'The customer was trying to '],
  [/^i\s+have\s+a\s+question\s+/i, 'Customer has a question ', 'The customer had a question '],
  [/^(?:can|could|would)\s+you\s+(?:please\s+)?/i, 'Customer asked the agent to ', 'The customer asked the agent to '],
  [/^please\s+/i, 'Customer asked the agent to ', 'The customer asked the agent to '],
  [/^how\s+(?:do|can)\s+i\s+/i, 'Customer asked how to ', 'The customer asked how to '],
  [/^i(?:'m|\s+am)\s+(?:calling|writing|contacting you|reaching out)\s+(?:about|regarding|because of)\s+/i, 'Customer is calling about ', 'The customer called about '],
  [/^i(?:'m|\s+am)\s+/i, 'Customer is ', 'The customer was '],
  [/^i\s+have\s+/i, 'Customer has ', 'The customer had '],
];

/** "is there an outage?" → "whether there is an outage"; other questions keep their words. */
function asIndirectQuestion(q: string): string {
  const m = /^(is|are|was|were)\s+(there|it)\s+(.*)$/i.exec(q);
  if (m) return `whether ${m[2]!.toLowerCase()} ${m[1]!.toLowerCase()} ${m[3]!}`;
  return `${q.charAt(0).toLowerCase()}${q.slice(1)}`;
}

const trimEnd = (s: string): string => s.replace(/[.!?\s]+$/, '');

/** The request as present-tense intent and past-tense opening; `undefined` → a generic "contacted support". */
export function intentPhrases(request: string | undefined): { present: string; past: string } {
  if (!request) return { present: 'Customer contacted support', past: 'The customer contacted support' };
  const s = trimEnd(request);
  for (const [re, present, past] of RULES) {
    if (re.test(s)) {
      const rest = toThirdPerson(s.replace(re, ''));
      return { present: present + rest, past: past + rest };
    }
  }
  if (request.trim().endsWith('?')) {
    const q = toThirdPerson(asIndirectQuestion(s));
    const sep = q.startsWith('whether ') || q.startsWith('how to ') ? ' ' : ': ';
    return { present: `Customer asked${sep}${q}${sep === ': ' ? '?' : ''}`, past: `The customer asked${sep}${q}${sep === ': ' ? '?' : ''}` };
  }
  const said = toThirdPerson(/^I\b/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));
  const that = /^(?:they|their|it|its|the|our|a|an|there|this|someone|somebody)\b/i.test(said) ? 'that ' : ': ';
  return { present: `Customer reports${that === ': ' ? ':' : ' that'} ${said}`, past: `The customer reported${that === ': ' ? ':' : ' that'} ${said}` };
}

/** "I want to return my shoes." → "Customer wants to return their shoes". */
export const describeIntent = (request: string | undefined): string => intentPhrases(request).present;
