// Rewrites first- and second-person sentences for a third-person summary ("my order" → "their order").

const CUSTOMER_SWAPS: Array<[RegExp, string]> = [
  [/\bI'm\b/gi, "they're"],
  [/\bI am\b/gi, 'they are'],
  [/\bI was\b/gi, 'they were'],
  [/\bI've\b/gi, "they've"],
  [/\bI'd\b/gi, "they'd"],
  [/\bI'll\b/gi, "they'll"],
  [/\bI\b/g, 'they'],
  [/\bmyself\b/gi, 'themselves'],
  [/\bmy\b/gi, 'their'],
  [/\bme\b/gi, 'them'],
  [/\bmine\b/gi, 'theirs'],
];

const AGENT_SWAPS: Array<[RegExp, string]> = [
  [/\byou're\b/gi, 'the customer is'],
  [/\byou are\b/gi, 'the customer is'],
  [/\byou were\b/gi, 'the customer was'],
  [/\byou have\b/gi, 'the customer has'],
  [/\byou don't\b/gi, "the customer doesn't"],
  [/\byou do not\b/gi, 'the customer does not'],
  [/\byou (need|want|owe)\b/gi, 'the customer $1s'],
  [/\byou've\b/gi, 'the customer has'],
  [/\byou'll\b/gi, 'the customer will'],
  [/\byour\b/gi, "the customer's"],
  [/\byourself\b/gi, 'the customer'],
  [/\byou\b/gi, 'the customer'],
  [/\bI've\b/gi, 'the agent has'],
  [/\bI'll\b/gi, 'the agent will'],
  [/\bI'm\b/gi, 'the agent is'],
  [/\bI am\b/gi, 'the agent is'],
  [/\bI have\b/gi, 'the agent has'],
  [/\bI\b/g, 'the agent'],
  [/\bmy\b/gi, "the agent's"],
  [/\bme\b/gi, 'the agent'],
  [/\bwe've\b/gi, 'the team has'],
  [/\bwe'll\b/gi, 'the team will'],
  [/\bwe\b/gi, 'the team'],
  [/\bour\b/gi, "the team's"],
  [/\bus\b/g, 'the team'],
];

const apply = (text: string, swaps: Array<[RegExp, string]>): string =>
  swaps.reduce((s, [re, to]) => s.replace(re, to), text.replace(/’/g, "'"));

/** A customer's words in the third person: "I need my refund" → "they need their refund". */
export const toThirdPerson = (text: string): string => apply(text, CUSTOMER_SWAPS);

/** An agent's words from the outside: "I've sent you an email" → "the agent has sent the customer an email". */
export const toCustomerView = (text: string): string =>
  apply(text, AGENT_SWAPS)
    .replace(/\bthe agent (suggest|recommend|think|need|want|know|hope|see|understand)\b/g, 'the agent $1s')
    .replace(/\b(if|when|once|as|because|unless|until) the customer (like|need|want|see|get|know|receive|call|choose|prefer|login|log in)\b/gi, '$1 the customer $2s')
    .replace(/\bthe customer log ins\b/g, 'the customer logs in')
    .replace(/\bthe team (need|want|require|change|update|send|check|review|process|offer|see|do|have)\b/g, (_m, v: string) =>
    `the team ${v === 'have' ? 'has' : v === 'do' ? 'does' : `${v}s`}`,
  );
