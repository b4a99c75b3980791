import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import { describe, expect, it } from 'vitest';
import { deserializeKeyvValue } from './keyv-deserialize.js';

// @keyv/serialize is Keyv's own dependency; the test compares against it so old rows keep reading back the same.
const samples: unknown[] = [
  { value: { summary: 'Refund sent', turns: 3, tags: ['a', 'b'], nested: { x: null } }, expires: 123 },
  { value: ':leading colon', expires: undefined },
  { value: { text: '::double', quote: 'he said ":x"', url: 'https://a/b' } },
  { value: Buffer.from('bytes'), expires: 9 },
  { value: { ':key': ':value', plain: 'x:y' } },
  { value: 'ends with ":"' },
];

describe('deserializeKeyvValue', () => {
  it('reads everything the default serializer wrote exactly as the default deserializer does', () => {
    for (const sample of samples) {
      const text = defaultSerialize(sample as never);
      expect(deserializeKeyvValue(text)).toEqual(defaultDeserialize(text));
    }
  });

  it('revives escaped colons and Buffers', () => {
    expect(deserializeKeyvValue<{ value: string }>(defaultSerialize({ value: ':x' } as never)).value).toBe(':x');
    expect(Buffer.isBuffer(deserializeKeyvValue<{ value: unknown }>(defaultSerialize({ value: Buffer.from('z') } as never)).value)).toBe(true);
  });
});
