import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectLanguage, primaryLanguage } from '../language.js';
import { isSummaryStale } from './staleness.js';
import { loadTemplateRouter, templateRef } from './template-routing.js';
import { sampleRecord } from '../../../test/support/summaries.js';

const PROMPTS = fileURLToPath(new URL('../../../config/prompts/', import.meta.url));
const template = (id: string, version = '1') => ({ id, version, description: 'd', system: 'max {{max_length}}', user: '<transcript>\n{{transcript}}\n</transcript>' });

describe('template routing', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'routing-'));
    for (const id of ['base', 'billing', 'chat', 'french', 'billing-fr']) await write(`${id}.json`, template(id));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = (name: string, content: unknown) => writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));

  it('matches queue, media type and language (primary subtag), first rule wins, else the default', async () => {
    await write('routing.json', {
      rules: [
        { queueId: 'q-billing', language: 'fr', template: 'billing-fr' },
        { queueId: 'q-billing', template: 'billing' },
        { mediaType: 'chat', template: 'chat' },
        { language: 'fr', template: 'french' },
      ],
      default: 'base',
    });
    const router = await loadTemplateRouter(dir);
    const pick = (route: Parameters<typeof router.resolve>[0]) => router.resolve(route).id;
    expect(pick({ queueId: 'q-billing', mediaType: 'voice', language: 'fr-CA' })).toBe('billing-fr');
    expect(pick({ queueId: 'q-billing', mediaType: 'chat', language: 'en' })).toBe('billing');
    expect(pick({ queueId: 'q-other', mediaType: 'chat' })).toBe('chat');
    expect(pick({ mediaType: 'voice', language: 'FR' })).toBe('french');
    expect(pick({ mediaType: 'voice', language: 'en-US' })).toBe('base');
    expect(pick({ mediaType: 'voice' })).toBe('base');
    expect(router.defaultTemplate.id).toBe('base');
  });

  it('lets the configured template id override the routing default, and works without routing.json', async () => {
    expect((await loadTemplateRouter(dir, 'chat')).defaultTemplate.id).toBe('chat');
    await write('routing.json', { rules: [], default: 'base' });
    expect((await loadTemplateRouter(dir, 'chat')).resolve({ mediaType: 'voice' }).id).toBe('chat');
  });

  it('fails fast on a bad routing file or a rule naming a missing template', async () => {
    await write('routing.json', '{ nope');
    await expect(loadTemplateRouter(dir, 'base')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await write('routing.json', { rules: [{ queue: 'x', template: 'base' }] });
    await expect(loadTemplateRouter(dir, 'base')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await write('routing.json', { rules: [{ mediaType: 'email', template: 'missing' }] });
    await expect(loadTemplateRouter(dir, 'base')).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('missing.json') });
  });

  it('loads the shipped routing: email and Spanish templates besides the default', async () => {
    const router = await loadTemplateRouter(PROMPTS, 'default');
    expect(router.resolve({ mediaType: 'email', language: 'es' }).id).toBe('email');
    expect(router.resolve({ mediaType: 'message', language: 'es-ES' }).id).toBe('default-es');
    expect(router.resolve({ mediaType: 'voice', language: 'en' }).id).toBe('default');
  });

  it('detects staleness when the routed template id, version or content changes', async () => {
    await write('routing.json', { rules: [{ queueId: 'q-billing', template: 'billing' }], default: 'base' });
    const before = await loadTemplateRouter(dir);
    const resolve = (r: typeof before) => (route: Parameters<typeof before.resolve>[0]) => templateRef(r.resolve(route));
    const billing = sampleRecord({ template: templateRef(before.resolve({ queueId: 'q-billing', mediaType: 'voice' })), route: { queue_id: 'q-billing', media_type: 'voice', language: 'en' } });
    const other = sampleRecord({ template: templateRef(before.defaultTemplate), route: { queue_id: 'q-other', media_type: 'voice', language: 'en' } });
    expect(isSummaryStale(billing, resolve(before))).toBe(false);
    expect(isSummaryStale(other, resolve(before))).toBe(false);
    await write('billing.json', { ...template('billing'), system: 'changed, max {{max_length}}' });
    const edited = await loadTemplateRouter(dir);
    expect(isSummaryStale(billing, resolve(edited))).toBe(true);
    expect(isSummaryStale(other, resolve(edited))).toBe(false);
    await write('routing.json', { rules: [{ queueId: 'q-other', template: 'chat' }], default: 'base' });
    const rerouted = await loadTemplateRouter(dir);
    expect(isSummaryStale(other, resolve(rerouted))).toBe(true);
    const { route: _r, ...old } = other;
    expect(isSummaryStale(old, resolve(rerouted))).toBe(false);
  });
});

describe('detectLanguage', () => {
  it('tells the seven supported languages apart and falls back on too little text', () => {
    expect(detectLanguage('I would like to check the status of my order, thank you for your help')).toBe('en');
    expect(detectLanguage('Quiero saber el estado de mi pedido, gracias por la ayuda')).toBe('es');
    expect(detectLanguage('Bonjour, je voudrais savoir où est ma commande, merci pour votre aide')).toBe('fr');
    expect(detectLanguage('Ich möchte wissen, wo meine Bestellung ist, danke für die Hilfe und bitte schnell')).toBe('de');
    expect(detectLanguage('Olá, quero saber onde está o meu pedido, obrigado pela ajuda, não chegou')).toBe('pt');
    expect(detectLanguage('Ik wil graag weten waar mijn bestelling is, dank voor de hulp')).toBe('nl');
    expect(detectLanguage('Vorrei sapere dove è il mio ordine, grazie per questo aiuto')).toBe('it');
    expect(detectLanguage('ok', 'und')).toBe('und');
    expect(primaryLanguage('es-MX')).toBe('es');
  });
});
