// Keyv's read-side deserializer without a per-value reviver on the common path.
//
// Keyv's default (@keyv/serialize) writes a string value that starts with ':' as '::…' and a Buffer as ':base64:…',
// and reads everything back through JSON.parse with a reviver that undoes both. A reviver call per JSON value is
// most of the parse cost of a summary record; our records hold neither, so their text has no `"::` or `":base64:`
// and a plain JSON.parse gives the same result. Any text that does (old rows, a summary quoting '::') takes the
// reviver path, so everything ever written with the default serializer reads back unchanged.

const ESCAPED = /"::|":base64:/;

function revive(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith(':')) return value;
  if (value.startsWith(':base64:')) return Buffer.from(value.slice(8), 'base64');
  return value.slice(1);
}

/** Same result as @keyv/serialize's defaultDeserialize; skips the reviver when no value can need it. */
export function deserializeKeyvValue<T>(text: string): T {
  return (ESCAPED.test(text) ? JSON.parse(text, revive) : JSON.parse(text)) as T;
}
