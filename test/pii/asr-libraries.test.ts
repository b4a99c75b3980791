// The comparison redactors work as the bench reports them: offsets turned into removed characters.
import { describe, expect, it } from 'vitest';
import type { SetConversation } from './asr-set/set-types.js';
import { compromiseNames, openRedaction } from './asr-libraries.js';

const conversation = (text: string): SetConversation => ({
  id: 'lib', half: 'dev', language: 'en', media: 'message', expect: 'summarize', turns: [{ speaker: 'customer', text }], values: [],
});
const removed = (text: string, mask: boolean[] | undefined): string => [...text].filter((_, i) => mask?.[i] === false).join('');

describe('comparison redactors', () => {
  it('OpenRedaction removes a written e-mail address', () => {
    const text = 'write to harriet.p@example.com please';
    expect(removed(text, openRedaction().survivors(conversation(text))[0])).toContain('harriet.p@example.com');
  });

  it("compromise's people() removes a capitalised full name and nothing else", () => {
    const text = 'Hello, my name is Harriet Pemberton and I need help';
    expect(removed(text, compromiseNames().survivors(conversation(text))[0])).toMatch(/^Harriet Pemberton,?$/);
  });
});
