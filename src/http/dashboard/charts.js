// Hand-drawn SVG histograms: no library, nothing fetched from elsewhere.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws counts of `values` per bin into `svg` (viewBox 400×150). `bins`: [{ label, test(value) }].
 * Each bar carries data-count so tests can read it.
 */
export function drawHistogram(svg, values, bins, cssClass) {
  svg.replaceChildren();
  const counts = bins.map((bin) => values.filter((v) => bin.test(v)).length);
  const max = Math.max(1, ...counts);
  const left = 28;
  const bottom = 128;
  const height = 110;
  const width = (400 - left - 4) / bins.length;
  svg.append(el('line', { x1: left, y1: bottom, x2: 396, y2: bottom, class: 'axis' }));
  svg.append(el('text', { x: left - 4, y: bottom - height + 4, class: 'tick', 'text-anchor': 'end' }, String(max)));
  svg.append(el('text', { x: left - 4, y: bottom, class: 'tick', 'text-anchor': 'end' }, '0'));
  bins.forEach((bin, i) => {
    const h = Math.round((counts[i] / max) * height);
    const x = left + i * width + 2;
    const bar = el('rect', { x, y: bottom - h, width: Math.max(1, width - 4), height: h, class: `bar ${cssClass}`, 'data-count': counts[i] });
    bar.append(el('title', {}, `${bin.label}: ${counts[i]}`));
    svg.append(bar);
    if (counts[i] > 0) svg.append(el('text', { x: x + (width - 4) / 2, y: bottom - h - 3, class: 'value', 'text-anchor': 'middle' }, String(counts[i])));
    svg.append(el('text', { x: x + (width - 4) / 2, y: bottom + 14, class: 'tick', 'text-anchor': 'middle' }, bin.label));
  });
}

/** Ten bins over 0..1. */
export const QUALITY_BINS = Array.from({ length: 10 }, (_, i) => ({
  label: (i / 10).toFixed(1),
  test: (v) => v >= i / 10 && (i === 9 ? v <= 1 : v < (i + 1) / 10),
}));

const edges = [0, 2, 5, 10, 30, 60, 300, 1800];
/** Seconds, in steps a contact center reads at a glance. */
export const LATENCY_BINS = edges.map((lo, i) => {
  const hi = edges[i + 1];
  const fmt = (s) => (s >= 60 ? `${s / 60}m` : `${s}s`);
  return { label: hi === undefined ? `>${fmt(lo)}` : `<${fmt(hi)}`, test: (v) => v >= lo && (hi === undefined || v < hi) };
});
