// Notification topic validation: which topic ids a channel may subscribe to and what they expand to.

export interface TopicVerdict {
  id: string;
  state: 'Permitted' | 'Rejected';
  rejectionReason?: string;
  /** Concrete topic names this subscription receives (combined `a?x&y` topics expand to a.x, a.y). */
  expanded: string[];
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const QUEUE_TOPIC = new RegExp(`^v2\\.routing\\.queues\\.(${UUID})\\.conversations(\\.(calls|callbacks|chats|emails|messages|cobrowsesessions|screenshares|socialexpressions|videos))?$`);
const DETAIL_EVENTS = 'acd\\.start|acd\\.end|customer\\.start|customer\\.end|contact|flow\\.start|flow\\.end|flow\\.outcome|user\\.start|user\\.end|acw|wrapup|outbound|voicemail\\.start|voicemail\\.end|attributes';
const PERMITTED = [
  new RegExp(`^v2\\.detail\\.events\\.conversation\\.${UUID}\\.(${DETAIL_EVENTS})$`),
  new RegExp(`^v2\\.users\\.${UUID}(\\.[A-Za-z.]+)?$`),
  new RegExp(`^v2\\.conversations\\.${UUID}\\.[A-Za-z.]+$`),
  new RegExp(`^v2\\.analytics\\.conversation\\.${UUID}\\.metrics$`),
];

function verdictFor(topic: string, queueIds: ReadonlySet<string>): Omit<TopicVerdict, 'id' | 'expanded'> {
  const queue = QUEUE_TOPIC.exec(topic);
  if (queue) return queueIds.has(queue[1] ?? '') ? { state: 'Permitted' } : { state: 'Rejected', rejectionReason: 'Queue not found or not permitted' };
  if (PERMITTED.some((re) => re.test(topic))) return { state: 'Permitted' };
  return { state: 'Rejected', rejectionReason: 'Topic not found' };
}

/** Validates one requested topic id against the known queues. */
export function checkTopic(id: string, queueIds: ReadonlySet<string>): TopicVerdict {
  const [base = '', combined] = id.split('?');
  if (id.length > 200 && combined !== undefined) return { id, state: 'Rejected', rejectionReason: 'Topic exceeds 200 characters', expanded: [] };
  const expanded = combined === undefined ? [base] : combined.split('&').filter(Boolean).map((part) => `${base}.${part}`);
  const verdicts = expanded.map((topic) => verdictFor(topic, queueIds));
  const rejected = verdicts.find((v) => v.state === 'Rejected');
  return rejected ? { id, ...rejected, expanded: [] } : { id, state: 'Permitted', expanded };
}
