// Customer sentiment for the extractive summarizer: a small lexicon (English and Spanish) over the customer's turns.
import type { Sentiment, Turn } from '../../domain.js';
import { words } from '../text-utils.js';

const POSITIVE = new Set(['thanks', 'thank', 'great', 'perfect', 'awesome', 'excellent', 'good', 'appreciate', 'happy', 'glad', 'wonderful', 'helpful', 'super', 'nice', 'love', 'amazing', 'fantastic', 'gracias', 'perfecto', 'genial', 'estupendo', 'merci']);
const NEGATIVE = new Set(['angry', 'upset', 'frustrated', 'frustrating', 'annoyed', 'annoying', 'terrible', 'awful', 'bad', 'worst', 'disappointed', 'unacceptable', 'ridiculous', 'wrong', 'broken', 'never', 'problem', 'issue', 'complaint', 'hate', 'furious', 'waiting', 'late', 'damaged', 'lost', 'stolen', 'fraud', 'slow', 'molesto', 'enfadado', 'fatal', 'problema', 'queja']);

function polarity(turns: readonly Turn[]): number {
  let score = 0;
  for (const w of turns.flatMap((t) => words(t.text))) score += (POSITIVE.has(w) ? 1 : 0) - (NEGATIVE.has(w) ? 1 : 0);
  return score;
}

const toSentiment = (score: number): Sentiment => (score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral');

/** Customer sentiment at the start (first half of their turns) and at the end (second half), from a small lexicon. */
export function sentimentArc(turns: readonly Turn[]): { start: Sentiment; end: Sentiment } {
  const customer = turns.filter((t) => t.speaker === 'customer');
  const half = Math.ceil(customer.length / 2);
  const start = polarity(customer.slice(0, half));
  const end = customer.length > 1 ? polarity(customer.slice(half)) : start;
  return { start: toSentiment(start), end: toSentiment(end) };
}

/** Overall customer sentiment: mixed when it flipped between the halves. */
export function lexiconSentiment(turns: readonly Turn[]): Sentiment {
  const customer = turns.filter((t) => t.speaker === 'customer');
  const half = Math.ceil(customer.length / 2);
  const start = polarity(customer.slice(0, half));
  const end = polarity(customer.slice(half));
  if ((start < 0 && end > 0) || (start > 0 && end < 0)) return 'mixed';
  return toSentiment(start + end);
}
