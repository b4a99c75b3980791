// Spanish wrap-up note of the extractive summarizer: the same composition as English with Spanish templates and
// first-to-third-person swaps ("me han cobrado" → "le han cobrado", "se lo anulo" → "el agente se lo anula").
import type { FollowUp, ResolutionStatus } from '../../domain.js';
import type { AgentFact, Analysis } from './extractive-analysis.js';
import type { Composed } from './extractive-compose.js';
import { dueOf } from './extractive-followups.js';
import { shortPhrase } from './extractive-headline.js';
import { capitalize, clampParagraph } from '../text-utils.js';

const swap = (text: string, table: ReadonlyArray<[RegExp, string]>): string => table.reduce((s, [re, to]) => s.replace(re, to), text);
const B = '(?<![\\p{L}])';
const E = '(?![\\p{L}])';
const w = (word: string): RegExp => new RegExp(`${B}${word}${E}`, 'giu');

const CUSTOMER: ReadonlyArray<[RegExp, string]> = [
  [w('me han'), 'le han'], [w('me'), 'le'], [w('mis'), 'sus'], [w('mi'), 'su'], [w('sé'), 'sabe'], [w('quiero'), 'quiere'],
  [w('necesito'), 'necesita'], [w('tengo'), 'tiene'], [w('estoy'), 'está'], [w('puedo'), 'puede'], [w('he'), 'ha'],
  [w('soy'), 'es'], [w('pagué'), 'pagó'], [w('recibí'), 'recibió'], [w('pedí'), 'pidió'], [w('compré'), 'compró'],
  [w('entiendo'), 'entiende'], [w('conmigo'), 'con el cliente'], [w('yo'), 'el cliente'],
];
const AGENT: ReadonlyArray<[RegExp, string]> = [
  [w('anulo'), 'anula'], [w('cancelo'), 'cancela'], [w('devuelvo'), 'devuelve'], [w('tramito'), 'tramita'], [w('reviso'), 'revisa'],
  [w('envío'), 'envía'], [w('actualizo'), 'actualiza'], [w('abono'), 'abona'], [w('confirmo'), 'confirma'], [w('indico'), 'indica'],
  [w('he'), 'ha'], [w('hemos'), 'han'], [w('usted'), 'el cliente'], [w('enviaré'), 'enviará'], [w('llamaré'), 'llamará'], [w('revisaré'), 'revisará'],
];

const sentence = (s: string): string => `${capitalize(s.trim().replace(/^[¿¡]/, '').replace(/[.!?,;:\s]+$/, ''))}.`;
const lcFirst = (s: string): string => (/^[A-Z]{2,}/.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1));

/** An agent sentence in the third person, with "el agente" as subject of a bare "se lo anulo". */
const agentEs = (text: string): string => {
  const out = swap(text, AGENT);
  return /agente/i.test(out) ? out : out.replace(/(^|,\s*)se (lo|la|le|los|las) (\p{L}+)/iu, '$1el agente se $2 $3');
};

const TOPICS: Array<[RegExp, string]> = [
  [/comisi[oó]n/i, 'Comisión en la factura'],
  [/cargo|cobrad/i, 'Cargo en la factura'],
  [/reembolso|devoluci[oó]n/i, 'Solicitud de reembolso'],
  [/pedido/i, 'Estado del pedido'],
  [/cancelar|baja/i, 'Baja del servicio'],
  [/direcci[oó]n/i, 'Cambio de dirección'],
  [/tarjeta/i, 'Incidencia con la tarjeta'],
  [/internet|conexi[oó]n|router|fibra/i, 'Problema de conexión'],
  [/cita/i, 'Cambio de cita'],
];
const OUTCOMES: Array<[RegExp, string]> = [
  [/anul/i, 'cargo anulado'], [/reembols|devuelv/i, 'reembolso tramitado'], [/cancel|baja/i, 'baja tramitada'],
  [/actualiz|cambi/i, 'datos actualizados'], [/env[ií]/i, 'envío realizado'],
];
const STATUS: Record<ResolutionStatus, string> = { resolved: 'resuelto', follow_up_needed: 'seguimiento pendiente', escalated: 'escalado', unresolved: 'sin resolver' };

function headlineEs(a: Analysis, done: readonly AgentFact[], status: ResolutionStatus, answered: boolean): string {
  const text = [a.subject, a.request, ...a.details].filter(Boolean).join('. ');
  const topic = TOPICS.find(([re]) => re.test(text))?.[1] ?? capitalize(shortPhrase(swap(a.request ?? 'Consulta del cliente', CUSTOMER), 50));
  const outcome = OUTCOMES.find(([re]) => done.some((f) => re.test(f.text)))?.[1] ?? (answered && status === 'resolved' ? 'consulta respondida' : STATUS[status]);
  return shortPhrase(`${topic} — ${outcome}`, 80);
}

function followUpsEs(a: Analysis): FollowUp[] {
  return a.facts
    .filter((f) => f.kind === 'future' || f.kind === 'customer_task')
    .map((f): FollowUp => {
      const action = sentence(agentEs(f.text)).replace(/\.$/, '');
      const owner = f.kind === 'customer_task' ? 'customer' : /\b(?:voy a|enviaré|llamaré|revisaré)\b/i.test(f.text) ? 'agent' : 'team';
      return { action, owner, due: dueOf(action) };
    })
    .slice(-4);
}

/** Composes the Spanish fields from an analysis. */
export function composeSpanish(a: Analysis, maxLength: number): Composed {
  const done = a.facts.filter((f) => f.kind === 'done');
  const info = a.facts.filter((f) => f.kind === 'info').slice(0, 2);
  const follow = followUpsEs(a);
  const status: ResolutionStatus = a.escalated ? 'escalated' : follow.some((f) => f.owner === 'agent') ? 'follow_up_needed' : done.length > 0 || info.length > 0 || a.ack ? 'resolved' : follow.length > 0 ? 'follow_up_needed' : 'unresolved';
  const said = a.request ? lcFirst(swap(a.request.replace(/^[¿¡]/, '').replace(/[.!?\s]+$/, ''), CUSTOMER)) : undefined;
  const intent = said ? `El cliente indica que ${said}` : 'El cliente contactó con el servicio de atención';
  const explained = info.map((f) => sentence(`El agente explica que ${lcFirst(agentEs(f.text))}`));
  const actions = done.map((f) => sentence(agentEs(f.text)));
  const refs = a.refs.filter((r) => ![...explained, ...actions].join(' ').includes(r.id)).map((r) => r.id);
  const next = follow.length > 0 ? sentence(`Seguimiento: ${follow.map((f) => lcFirst(f.action)).join('; ')}`) : '';
  const parts = [sentence(intent), ...explained, ...actions, refs.length > 0 ? sentence(`Referencia: ${refs.join(', ')}`) : '', next].filter(Boolean);
  let summary = '';
  for (const p of parts) if ((summary ? `${summary} ${p}` : p).length <= maxLength) summary = summary ? `${summary} ${p}` : p;
  const resolution = [...actions, ...explained].join(' ') || 'No consta una resolución.';
  return {
    headline: headlineEs(a, done, status, done.length === 0 && info.length > 0),
    summary: clampParagraph(summary || sentence(intent), maxLength),
    intent: clampParagraph(sentence(intent), 300),
    status,
    resolution: clampParagraph(resolution, 500),
    followUps: follow,
    evidence: [resolution, intent, status === 'resolved' && done.length === 0 ? 'question answered' : ''].join(' '),
  };
}
