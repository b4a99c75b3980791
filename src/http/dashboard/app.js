// The dashboard page: asks for an API key (kept in sessionStorage), reads /api/dashboard/state, follows
// /api/dashboard/events (server-sent events read through fetch, so the key travels in a header, never a URL) and
// looks conversations up. Every value is written with textContent: nothing from the server becomes markup.
import { drawHistogram, LATENCY_BINS, QUALITY_BINS } from './charts.js';

const KEY = 'wrapup.apiKey';
const MAX_LIVE = 50;
const $ = (id) => document.getElementById(id);
const state = { summaries: [], failures: [], abort: undefined };

const key = () => sessionStorage.getItem(KEY);
const auth = () => ({ authorization: `Bearer ${key()}` });

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const seconds = (s) => (s === undefined ? '' : s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`);
const latencySeconds = (s) => (s.end_to_stored_ms ?? s.latency_ms) / 1000;

function showKeyPanel(message) {
  state.abort?.abort();
  $('main').hidden = true;
  $('sign-out').hidden = true;
  $('key-panel').hidden = false;
  $('key-error').textContent = message ?? '';
  setConn('off', 'not connected');
}

function setConn(kind, text) {
  $('conn-state').dataset.state = kind;
  $('conn-state').textContent = text;
}

async function api(path) {
  const res = await fetch(path, { headers: auth() });
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    showKeyPanel('That key was not accepted.');
    throw new Error('unauthorized');
  }
  return res;
}

function renderChips(s) {
  const chips = [];
  const channels = s.channels ?? [];
  const open = channels.filter((c) => c.state === 'open').length;
  chips.push(['socket', channels.length ? `${open}/${channels.length} open` : 'no channel', open === channels.length && open > 0 ? 'ok' : 'bad']);
  for (const name of ['pending', 'processing', 'completed', 'failed', 'skipped']) chips.push([name, String(s.tasks?.[name] ?? 0), name === 'failed' && s.tasks?.failed ? 'bad' : '']);
  chips.push(['running', String(s.worker_active ?? 0), '']);
  chips.push(['model', s.model ?? '?', '']);
  $('chips').replaceChildren(...chips.map(([k, v, cls]) => h('span', { class: `chip ${cls}`, 'data-chip': k }, h('b', { text: k }), ` ${v}`)));
}

function liveItem(s) {
  const q = s.quality_score;
  return h(
    'li',
    { 'data-conversation-id': s.conversation_id },
    h('span', { class: 'when', text: time(s.created_at) }),
    h('span', { class: `media ${s.media_type}`, text: s.media_type }),
    h('span', { class: `score ${q >= 0.8 ? 'good' : q >= 0.6 ? 'fair' : 'poor'}`, text: q.toFixed(2) }),
    h('a', { href: '#', class: 'headline', 'data-id': s.conversation_id, text: s.headline }),
    h('span', { class: 'meta', text: `${s.resolution} · ${seconds(latencySeconds(s))}${s.fallback ? ' · fallback' : ''}` }),
  );
}

function renderSummaries() {
  const newest = state.summaries.slice(-MAX_LIVE).reverse();
  $('live-list').replaceChildren(...newest.map(liveItem));
  $('live-count').textContent = `${state.summaries.length} since start`;
  drawHistogram($('quality-chart'), state.summaries.map((s) => s.quality_score), QUALITY_BINS, 'quality');
  drawHistogram($('latency-chart'), state.summaries.map(latencySeconds), LATENCY_BINS, 'latency');
}

function renderFailures() {
  const rows = state.failures.slice(-20).reverse().map((f) =>
    h('tr', {}, h('td', { text: time(f.at) }), h('td', { class: 'id', text: f.conversation_id }), h('td', { text: f.status }), h('td', {}, h('code', { text: f.code }), ` ${f.message}`)),
  );
  $('failure-rows').replaceChildren(...rows);
  $('no-failures').hidden = rows.length > 0;
}

function addSummary(s) {
  state.summaries = state.summaries.filter((x) => x.conversation_id !== s.conversation_id).concat(s).slice(-500);
  renderSummaries();
}

async function refreshState() {
  const s = await (await api('/api/dashboard/state')).json();
  renderChips(s);
  for (const summary of s.summaries ?? []) if (!state.summaries.some((x) => x.conversation_id === summary.conversation_id)) state.summaries.push(summary);
  state.summaries.sort((a, b) => a.created_at.localeCompare(b.created_at));
  state.failures = s.failures ?? state.failures;
  renderSummaries();
  renderFailures();
}

let refreshTimer;
/** Task counts follow the events, at most every half second. */
function soonRefresh() {
  refreshTimer ??= setTimeout(() => {
    refreshTimer = undefined;
    void refreshState().catch(() => undefined);
  }, 500);
}

/** Reads one text/event-stream response; calls `onEvent(type, data)` per event. */
async function readEvents(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(type, data.join('\n'));
    }
  }
}

/** Follows the event stream, reconnecting with a growing pause; state is re-read after each reconnect. */
async function follow() {
  const controller = new AbortController();
  state.abort = controller;
  let pause = 1000;
  while (!controller.signal.aborted) {
    try {
      const res = await fetch('/api/dashboard/events', { headers: auth(), signal: controller.signal });
      if (res.status === 401) return showKeyPanel('That key was not accepted.');
      if (!res.ok) throw new Error(`events: HTTP ${res.status}`);
      setConn('on', 'live');
      pause = 1000;
      await refreshState();
      await readEvents(res, (type, data) => {
        if (type === 'summary') addSummary(JSON.parse(data));
        if (type === 'failure') (state.failures.push(JSON.parse(data)), renderFailures());
        soonRefresh();
      });
    } catch (err) {
      if (controller.signal.aborted) return;
    }
    setConn('wait', 'reconnecting…');
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 30000);
  }
}

function field(label, value) {
  return value ? h('div', { class: 'field' }, h('dt', { text: label }), h('dd', { text: value })) : undefined;
}

function renderSummary(summary) {
  if (!summary) return [h('h3', { text: 'No summary stored' })];
  const follow = (summary.follow_up_actions ?? []).map((a) => `${a.action} (${a.owner}${a.due ? `, ${a.due}` : ''})`).join('; ');
  return [
    h('h3', { text: summary.headline }),
    h('p', { text: summary.summary }),
    h('dl', {}, ...[
      field('intent', summary.intent),
      field('resolution', `${summary.resolution.status}: ${summary.resolution.text}`),
      field('follow-up', follow),
      field('sentiment', `${summary.sentiment.start} → ${summary.sentiment.end}`),
      field('quality', summary.quality_score.toFixed(2)),
      field('model', `${summary.model}${summary.fallback ? ' (fallback)' : ''}`),
      field('redactions', Object.entries(summary.redactions).map(([t, n]) => `${t} ×${n}`).join(', ')),
    ].filter(Boolean)),
  ];
}

async function search(id) {
  $('search-error').textContent = '';
  const res = await api(`/api/dashboard/conversations/${encodeURIComponent(id)}`);
  const body = await res.json();
  if (!res.ok) {
    $('search-result').hidden = true;
    $('search-error').textContent = `${body.code ?? res.status}: ${body.detail ?? ''}`;
    return;
  }
  $('summary-view').replaceChildren(...renderSummary(body.summary));
  const turns = body.transcript?.turns ?? [];
  $('transcript').replaceChildren(
    ...(turns.length ? turns.map((t) => h('li', { class: t.speaker }, h('b', { text: t.speaker }), ` ${t.text}`)) : [h('li', { class: 'muted', text: body.transcript_error ? `transcript unavailable (${body.transcript_error})` : 'no turns' })]),
  );
  $('search-result').hidden = false;
}

function start() {
  $('key-panel').hidden = true;
  $('main').hidden = false;
  $('sign-out').hidden = false;
  setConn('wait', 'connecting…');
  void follow();
}

$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $('key-input').value.trim());
  $('key-input').value = '';
  start();
});
$('sign-out').addEventListener('click', () => (sessionStorage.removeItem(KEY), showKeyPanel()));
$('search-form').addEventListener('submit', (e) => (e.preventDefault(), void search($('search-input').value.trim()).catch(() => undefined)));
$('live-list').addEventListener('click', (e) => {
  const id = e.target instanceof Element ? e.target.getAttribute('data-id') : null;
  if (!id) return;
  e.preventDefault();
  $('search-input').value = id;
  void search(id).catch(() => undefined);
});
setInterval(() => key() && !$('main').hidden && void refreshState().catch(() => undefined), 5000);

if (key()) start();
else showKeyPanel();
