// Offline dependency policy over package-lock.json: flagged versions, unreviewed install scripts, foreign sources.
//
// The FLAGGED list is a FLOOR, not an audit: it names the packages a review found in (or near) our tree and the
// versions public advisories flag, so they cannot come back unnoticed. It knows nothing about advisories published
// after it was written; run `npm audit` (online) for that.

/** A version range an advisory flags, OSV style: introduced ≤ v < fixed. No `fixed`: every version from `introduced`. */
export interface VulnerableRange {
  introduced?: string;
  fixed?: string;
}

export interface FlaggedPackage {
  name: string;
  vulnerable: VulnerableRange[];
  /** Advisory ids and links (github.com/advisories/<GHSA id>), so a failure says where to read on. */
  advisories: string[];
  why: string;
}

const gh = (id: string): string => `https://github.com/advisories/${id}`;

export const FLAGGED: FlaggedPackage[] = [
  {
    name: 'tar',
    vulnerable: [{ fixed: '7.5.19' }],
    advisories: [
      `${gh('GHSA-23hp-3jrh-7fpw')} (CVE-2026-59873, decompression DoS, ≤ 7.5.18)`,
      `${gh('GHSA-8qq5-rm4j-mr97')} (CVE-2026-23745, file overwrite via link entries, ≤ 7.5.2)`,
      `${gh('GHSA-f5x3-32g6-xq36')} (CVE-2024-28863, DoS, < 6.2.1)`,
    ],
    why: 'extracting a crafted archive overwrites files or exhausts the disk; tar 6 gets no fixes',
  },
  {
    name: '@tootallnate/once',
    vulnerable: [{ fixed: '2.0.1' }, { introduced: '3.0.0', fixed: '3.0.1' }],
    advisories: [`${gh('GHSA-vpq2-c234-7xj6')} (CVE-2026-3449, promise never settles after abort)`],
    why: 'pulled by http-proxy-agent@4 under node-gyp@8',
  },
  {
    name: 'node-gyp',
    vulnerable: [{ fixed: '10.0.0' }],
    advisories: [
      'https://github.com/nodejs/node-gyp/issues/2795 (make-fetch-happen < 11 → http-cache-semantics ReDoS)',
      'https://github.com/TryGhost/node-sqlite3/issues/1835 (node-gyp 8 → tar 6)',
    ],
    why: 'old node-gyp pins flagged tar, http-cache-semantics and @tootallnate/once versions',
  },
  {
    name: 'http-cache-semantics',
    vulnerable: [{ fixed: '4.1.1' }],
    advisories: [`${gh('GHSA-rc47-6667-2j5j')} (CVE-2022-25881, ReDoS)`],
    why: 'pulled by make-fetch-happen < 11 under old node-gyp',
  },
  {
    name: 'sqlite3',
    vulnerable: [{}],
    advisories: [
      `${gh('GHSA-jqv5-7xpx-qj74')} (CVE-2022-43441, code execution through bound objects, < 5.1.5)`,
      'https://github.com/TryGhost/node-sqlite3/issues/1835 (every 5.x installs tar 6 and node-gyp 8)',
    ],
    why: 'replaced by better-sqlite3 (src/store/sqlite-adapter.ts); its install chain is flagged at every version',
  },
  {
    name: 'tar-fs',
    vulnerable: [{ fixed: '1.16.6' }, { introduced: '2.0.0', fixed: '2.1.4' }, { introduced: '3.0.0', fixed: '3.1.1' }],
    advisories: [
      `${gh('GHSA-vj76-c3g6-qr5v')} (symlink validation bypass; fixed 1.16.6, 2.1.4, 3.1.1)`,
      `${gh('GHSA-8cj5-5rvv-wf4v')} (CVE-2025-48387, extraction outside the target directory)`,
      `${gh('GHSA-pq67-2wwv-3xjx')} (CVE-2024-12905, link following and path traversal)`,
    ],
    why: 'better-sqlite3 → prebuild-install extracts a downloaded binary with it at install time',
  },
];

/** The only registry lockfile entries may come from. */
export const REGISTRY = 'https://registry.npmjs.org/';

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  inBundle?: boolean;
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface Lockfile {
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
}

export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

/** Every policy violation in `lock`, one readable line each; empty when the lockfile passes. */
export function checkLockfile(lock: Lockfile, pkg: PackageJson, flagged: FlaggedPackage[] = FLAGGED): string[] {
  if (lock.lockfileVersion === undefined || lock.lockfileVersion < 2 || !lock.packages) {
    return ['package-lock.json must be lockfileVersion 2 or 3 (with a "packages" map)'];
  }
  const entries = Object.entries(lock.packages).filter(([location]) => location !== '');
  return [
    ...checkInSync(lock.packages[''] ?? {}, pkg),
    ...entries.flatMap(([location, entry]) => checkFlagged(location, entry, flagged)),
    ...checkInstallScripts(entries, pkg.allowScripts ?? {}),
    ...entries.flatMap(([location, entry]) => checkSource(location, entry)),
  ];
}

/** The package name of a lockfile entry: its `name` (set for aliases), else the path after the last node_modules/. */
export function packageName(location: string, entry: LockEntry): string {
  return entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** A stale lockfile would make every other check look at the wrong tree. */
function checkInSync(root: LockEntry, pkg: PackageJson): string[] {
  const same = (a: Record<string, string> = {}, b: Record<string, string> = {}): boolean =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  return same(root.dependencies, pkg.dependencies) && same(root.devDependencies, pkg.devDependencies)
    ? []
    : ['package-lock.json does not match package.json dependencies: run npm install and commit the lockfile'];
}

function checkFlagged(location: string, entry: LockEntry, flagged: FlaggedPackage[]): string[] {
  const name = packageName(location, entry);
  const rule = flagged.find((f) => f.name === name);
  if (!rule || entry.version === undefined || !rule.vulnerable.some((range) => inRange(entry.version!, range))) return [];
  return [`${name}@${entry.version} (${location}) is flagged: ${rule.why}; see ${rule.advisories.join('; ')}`];
}

/** Every package with an install script is reviewed in package.json allowScripts, and every entry there still is one. */
function checkInstallScripts(entries: Array<[string, LockEntry]>, allowScripts: Record<string, boolean>): string[] {
  const scripted = entries
    .filter(([, entry]) => entry.hasInstallScript)
    .map(([location, entry]) => ({ location, name: packageName(location, entry), version: entry.version }));
  const allowed = Object.keys(allowScripts);
  const problems = scripted
    .filter(({ name, version }) => !allowed.some((key) => allowKeyCovers(key, name, version)))
    .map(({ name, version, location }) => `${name}@${version} (${location}) has an install script not in allowScripts`);
  for (const key of allowed) {
    if (!scripted.some(({ name, version }) => allowKeyCovers(key, name, version))) {
      problems.push(`allowScripts lists "${key}", which no locked package with an install script matches: remove it`);
    }
  }
  return problems;
}

/** npm's allowScripts keys: `name` (any version) or `name@x.y.z` (a pinned, reviewed version). */
function allowKeyCovers(key: string, name: string, version: string | undefined): boolean {
  if (key === name) return true;
  return version !== undefined && key === `${name}@${version}`;
}

function checkSource(location: string, entry: LockEntry): string[] {
  if (entry.inBundle) return []; // shipped inside its parent's tarball, which is checked itself
  if (entry.link) return [`${location} is a link to ${entry.resolved ?? 'a local folder'}, not a registry package`];
  if (entry.resolved !== undefined && !entry.resolved.startsWith(REGISTRY)) {
    return [`${location} resolves from ${entry.resolved}, not ${REGISTRY}`];
  }
  // With omit-lockfile-registry-resolved npm drops `resolved` for registry tarballs only; git, file and URL sources
  // keep theirs. A registry tarball always has an integrity hash.
  if (!entry.integrity || !entry.version) return [`${location} has no version or integrity hash: not a registry tarball`];
  return [];
}

function inRange(version: string, range: VulnerableRange): boolean {
  const fromIntroduced = range.introduced === undefined || compareVersions(version, range.introduced) >= 0;
  return fromIntroduced && (range.fixed === undefined || compareVersions(version, range.fixed) < 0);
}

/** Semver order: major.minor.patch numerically, then a prerelease sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split(/-(.*)/s);
  const [coreB = '', preB] = b.split(/-(.*)/s);
  const numsA = coreA.split('.').map(Number);
  const numsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (numsA[i] ?? 0) - (numsB[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (preA === undefined || preB === undefined) return preA === preB ? 0 : preA === undefined ? 1 : -1;
  return preA.localeCompare(preB, 'en', { numeric: true });
}
