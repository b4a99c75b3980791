// Reads a V8 .cpuprofile (`node --cpu-prof`) and ranks self time: by function and by where it lives (a package under
// node_modules, node's internals, or our src/).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of samples that were not idle (program, GC, JS). */
  busyMs: number;
  functions: Array<{ name: string; ms: number; share: number }>;
  places: Array<{ name: string; ms: number; share: number }>;
}

function placeOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)' || fn === '(idle)') return fn;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /\/(src|dist)\/([^/]+)/.exec(url);
  if (ours) return `src/${ours[2]!.replace(/\.[jt]s$/, '')}`;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'other';
}

function ranked(map: Map<string, number>, busy: number, top: number) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
}

/** Self time per function and per place, idle excluded from the shares. */
export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const fns = new Map<string, number>();
  const places = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      return;
    }
    const file = url.includes('node_modules/') ? url.replace(/^.*node_modules\//, '') : url.replace(/^.*\/(src|dist)\//, 'src/').replace(/^.*\/test\//, 'test/');
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
    const place = placeOf(url, functionName);
    places.set(place, (places.get(place) ?? 0) + us);
  });
  const busy = total - idle;
  return { totalMs: total / 1000, busyMs: busy / 1000, functions: ranked(fns, busy, top), places: ranked(places, busy, top) };
}
