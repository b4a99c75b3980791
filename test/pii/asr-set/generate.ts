// Generates the labelled ASR-style PII set (set.json): whole conversations in en/es/de (voice as a speech engine
// writes it, chat and e-mail typed), planted values of 11 types and look-alikes, split by conversation into a dev
// and a held-out half. Deterministic: `npx tsx test/pii/asr-set/generate.ts` rewrites the identical file.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRandom, type SimRandom } from '../../../src/sim/sim-random.js';
import { compose, fill, mergeDrafts, type Draft, type Part, type Slot } from './compose.js';
import { lookalike } from './lookalikes.js';
import { ADDRESSED, BLOCKS, CLOSING, EMAIL_FRAME, HANG_UPS, ISSUES, OPENINGS, SUBJECTS } from './phrases.js';
import { plant, plantName, type PlantContext } from './planted.js';
import { LOOKALIKE_TYPES, type AsrSet, type Half, type Language, type LookalikeType, type Media, type PlantedType, type SetConversation } from './set-types.js';
import { pick, pools, type Pools } from './values.js';

export const SET_SEED = 20_260_511;
const LANGUAGES: readonly Language[] = ['en', 'es', 'de'];
/** Conversations per half, language and medium (voice: plus one hang-up call each). */
const PER_HALF: Record<Media, number> = { voice: 12, message: 4, email: 4 };
const BLOCK_TYPES: ReadonlyArray<Exclude<PlantedType, 'name'>> = ['account', 'dob', 'card', 'phone', 'ssn', 'address', 'email', 'passport', 'ipv4', 'iban'];
const VOICE_OPENINGS = ['name-this-is', 'name-my-name-is', 'name-speaking', 'name-plain', 'name-spelled'] as const;
const WRITTEN_OPENINGS = ['name-this-is', 'name-my-name-is', 'name-plain'] as const;
const TITLE_FORMS = ['name-mister', 'name-miss', 'name-repeated'] as const;

const isLookalike = (key: string): key is LookalikeType => (LOOKALIKE_TYPES as readonly string[]).includes(key);

interface Builder {
  ctx: PlantContext;
  line: (speaker: Draft['speaker'], template: string, v?: Slot | Part[], extra?: Record<string, Part[]>) => Draft;
}

function builder(ctx: PlantContext): Builder {
  const voice = ctx.media === 'voice';
  const slotFor = (v: Slot | Part[] | undefined, extra: Record<string, Part[]>) => (key: string): Slot | Part[] => {
    if (key === 'v' && v) return v;
    if (extra[key]) return extra[key] ?? [];
    if (!isLookalike(key)) throw new Error(`template key {${key}} has no value`);
    const l = lookalike(key, ctx.language, voice, ctx.rng);
    return { kind: 'lookalike', type: l.type, form: voice ? 'spoken' : `${ctx.media === 'message' ? 'chat' : 'email'}-written`, value: l.value, text: l.text };
  };
  const written = (t: string): string =>
    voice ? t : t.replace('mister ', 'Mr. ').replace('miss ', 'Ms. ').replace("I'm calling", "I'm writing").replace('Llamo {issue}', 'Escribo {issue}').replace('llamo {issue}', 'escribo {issue}').replace('ich rufe an', 'ich schreibe');
  return { ctx, line: (speaker, template, v, extra = {}) => ({ speaker, parts: fill(written(template), slotFor(v, extra)) }) };
}

interface Script {
  greeting: Draft;
  opening: Draft;
  /** Per block: the caller's lead-in (if any), the agent's question, the answer, the agent's follow-up. */
  blocks: Array<{ lead?: Draft; ask: Draft; answer: Draft; follow: Draft }>;
  /** The agent addressing the caller by name. */
  title: Draft;
  closing: [Draft, Draft];
}

/** Opening (name, reason), four blocks, the agent addressing the caller, closing. */
function script(b: Builder, types: readonly Exclude<PlantedType, 'name'>[], opening: string, title: string): Script {
  const { ctx } = b;
  const L = ctx.language;
  const open = OPENINGS[opening as keyof typeof OPENINGS];
  const issue = fill(pick(ctx.rng, ISSUES[L]), (key) => b.line('customer', `{${key}}`).parts);
  const greeting = b.line('agent', pick(ctx.rng, open.agent[L]));
  const opened = b.line('customer', pick(ctx.rng, open.customer[L]), undefined, { name: [plantName(opening, ctx)], issue });
  const blocks = types.map((type) => {
    const block = BLOCKS[type];
    const lead = block.lead ? { lead: b.line('customer', pick(ctx.rng, block.lead[L])) } : {};
    const ask = b.line('agent', pick(ctx.rng, block.ask[L]));
    const answer = b.line('customer', pick(ctx.rng, block.answer[L]), plant(type, ctx));
    return { ...lead, ask, answer, follow: b.line('agent', pick(ctx.rng, block.follow[L])) };
  });
  const addressed = b.line('agent', pick(ctx.rng, ADDRESSED[title as keyof typeof ADDRESSED][L]), plantName(title, ctx, title === 'name-repeated' ? 'first' : 'last'));
  return { greeting, opening: opened, blocks, title: addressed, closing: [b.line('agent', pick(ctx.rng, CLOSING.agent[L])), b.line('customer', pick(ctx.rng, CLOSING.customer[L]))] };
}

/** A call or chat: question and answer block by block, the agent addressing the caller after the first answer. */
function dialogue(s: Script): Draft[] {
  const out: Draft[] = [s.greeting, s.opening];
  s.blocks.forEach((block, i) => {
    if (block.lead) out.push(block.lead);
    out.push(block.ask, block.answer);
    if (i === 0) out.push(s.title);
    out.push(block.follow);
  });
  return [...out, ...s.closing];
}

/** An e-mail thread: the caller writes, the agent asks everything at once, the caller answers, the agent confirms. */
function emailThread(b: Builder, s: Script): Draft[] {
  const frame = EMAIL_FRAME[b.ctx.language];
  const thread: Draft[] = [
    s.opening,
    ...s.blocks.flatMap((x) => (x.lead ? [x.lead] : [])),
    s.title,
    ...s.blocks.map((x) => x.ask),
    ...s.blocks.map((x) => x.answer),
    ...s.blocks.map((x) => x.follow),
    s.closing[0],
  ];
  let customerMails = 0;
  return mergeDrafts(thread, '\n\n').map((d) => {
    const first = d.speaker === 'customer' && (customerMails += 1) === 1;
    const sign: Part[] = d.speaker === 'agent' ? [frame.agentBye] : [`${frame.bye}\n`, plantName('email', b.ctx, first ? 'full' : 'first')];
    return { speaker: d.speaker, parts: [`${frame.hello}\n\n`, ...d.parts, '\n\n', ...sign] };
  });
}

interface Rotations {
  rotate: (key: string, n: number) => number;
}
function rotations(): Rotations {
  const counters = new Map<string, number>();
  return {
    rotate: (key, n) => {
      const c = counters.get(key) ?? 0;
      counters.set(key, c + 1);
      return c % n;
    },
  };
}

function conversation(half: Half, language: Language, media: Media, rng: SimRandom, pool: Pools, rot: Rotations): Omit<SetConversation, 'id'> {
  const openings = media === 'voice' ? VOICE_OPENINGS : WRITTEN_OPENINGS;
  const opening = openings[rot.rotate(`${language}|${media}|opening`, openings.length)] ?? 'name-plain';
  const title = TITLE_FORMS[rot.rotate(`${language}|${media}|title`, TITLE_FORMS.length)] ?? 'name-repeated';
  const firsts = title === 'name-mister' ? pool.firsts.filter((f) => !f.female) : title === 'name-miss' ? pool.firsts.filter((f) => f.female) : pool.firsts;
  const first = pick(rng, firsts);
  const who = { first: first.name, last: pick(rng, pool.lasts), female: first.female };
  const odd = media !== 'voice' && rot.rotate(`${media}|odd`, 2) === 1;
  const ctx: PlantContext = {
    language, media, rng, pools: pool, who,
    odd: (type) => rot.rotate(`${media}|odd|${type}`, 2) === 1,
    rotate: (key, n) => rot.rotate(`${language}|${key}`, n),
  };
  const types = [0, 1, 2, 3].map(() => BLOCK_TYPES[rot.rotate(`${media}|block`, BLOCK_TYPES.length)] ?? 'account');
  const b = builder(ctx);
  const s = script(b, types, opening, title);
  const list = media === 'email' ? emailThread(b, s) : dialogue(s);
  const composed = list.map((d, i) => compose(d, { language, media, rng, odd }, i));
  return {
    half, language, media, expect: 'summarize',
    ...(media === 'email' ? { subject: pick(rng, SUBJECTS[language]) } : {}),
    turns: composed.map((c) => c.turn),
    values: composed.flatMap((c) => c.values),
  };
}

function hangUp(half: Half, language: Language): Omit<SetConversation, 'id'> {
  const [agent, customer] = HANG_UPS[language][half === 'dev' ? 0 : 1] ?? ['', ''];
  return { half, language, media: 'voice', expect: 'skip', turns: [{ speaker: 'agent', text: agent }, { speaker: 'customer', text: customer }], values: [] };
}

/** The whole set for a seed: both halves, conversations shuffled (seeded) and numbered. */
export function generateSet(seed = SET_SEED): AsrSet {
  const rng = createRandom(seed);
  const all: Array<Omit<SetConversation, 'id'>> = [];
  for (const half of ['dev', 'heldout'] as const) {
    const rot = rotations();
    for (const language of LANGUAGES) {
      const pool = pools(language, half, createRandom(seed + LANGUAGES.indexOf(language)));
      for (const media of ['voice', 'message', 'email'] as const) {
        for (let i = 0; i < PER_HALF[media]; i += 1) all.push(conversation(half, language, media, rng, pool, rot));
      }
      all.push(hangUp(half, language));
    }
  }
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return {
    description:
      'Labelled ASR-style PII set: invented people and values. Voice turns as a speech engine writes them, chat and e-mail typed. ' +
      'Split fixed by conversation (half): tune rules on dev only, report heldout. Regenerate with npx tsx test/pii/asr-set/generate.ts.',
    seed,
    conversations: all.map((c, i) => ({ id: `asr-${String(i + 1).padStart(3, '0')}`, ...c })),
  };
}

export const SET_FILE = fileURLToPath(new URL('./set.json', import.meta.url));

/** The file's exact text (the test compares the committed file with this). */
export const serializeSet = (set: AsrSet): string => `${JSON.stringify(set, null, 1)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SET_FILE, serializeSet(generateSet()));
  console.log(`wrote ${SET_FILE}`);
}
