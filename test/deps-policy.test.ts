// The dependency policy runs in `npm test` (offline): the committed lockfile passes, and each rule can fail.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLockfile, compareVersions, FLAGGED, type Lockfile, type PackageJson } from './deps-policy.js';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as T;

const INTEGRITY = 'sha512-AAAA';
/** A minimal lockfile in sync with `pkg`, plus the given entries. */
function fakeLock(pkg: PackageJson, packages: NonNullable<Lockfile['packages']>): Lockfile {
  const root = { dependencies: pkg.dependencies, devDependencies: pkg.devDependencies };
  return { lockfileVersion: 3, packages: { '': root, ...packages } };
}
const pkg: PackageJson = { dependencies: { a: '^1.0.0' }, allowScripts: {} };

describe('dependency policy (package-lock.json)', () => {
  it('the committed lockfile passes: nothing flagged, every install script reviewed, registry.npmjs.org only', () => {
    expect(checkLockfile(readJson<Lockfile>('package-lock.json'), readJson<PackageJson>('package.json'))).toEqual([]);
  });

  it('flags tar@6 (the version sqlite3 pulled) with its advisory, and passes a fixed tar', () => {
    const bad = checkLockfile(
      fakeLock(pkg, {
        'node_modules/a': { version: '1.0.0', integrity: INTEGRITY },
        'node_modules/a/node_modules/tar': { version: '6.2.1', integrity: INTEGRITY },
      }),
      pkg,
    );
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^tar@6\.2\.1 \(node_modules\/a\/node_modules\/tar\) is flagged: .*GHSA-23hp-3jrh-7fpw/);
    const fixed = fakeLock(pkg, {
      'node_modules/a': { version: '1.0.0', integrity: INTEGRITY },
      'node_modules/tar': { version: '7.5.19', integrity: INTEGRITY },
    });
    expect(checkLockfile(fixed, pkg)).toEqual([]);
  });

  it.each([
    ['sqlite3', '5.1.7', true],
    ['@tootallnate/once', '1.1.2', true],
    ['@tootallnate/once', '2.0.1', false],
    ['@tootallnate/once', '3.0.0', true],
    ['node-gyp', '8.4.1', true],
    ['node-gyp', '11.0.0', false],
    ['tar-fs', '2.1.3', true],
    ['tar-fs', '2.1.6', false],
    ['tar-fs', '3.1.1', false],
  ])('%s@%s flagged: %s', (name, version, flagged) => {
    const lock = fakeLock(pkg, {
      'node_modules/a': { version: '1.0.0', integrity: INTEGRITY },
      [`node_modules/${name}`]: { version, integrity: INTEGRITY },
    });
    expect(checkLockfile(lock, pkg).length > 0).toBe(flagged);
  });

  it('an aliased package is checked under its real name', () => {
    const lock = fakeLock(pkg, {
      'node_modules/a': { version: '1.0.0', integrity: INTEGRITY },
      'node_modules/innocent': { name: 'tar', version: '6.1.0', integrity: INTEGRITY },
    });
    expect(checkLockfile(lock, pkg)).toEqual([expect.stringMatching(/^tar@6\.1\.0 \(node_modules\/innocent\)/)]);
  });

  it('an install script must be listed in allowScripts (by name or name@version), and a stale entry fails too', () => {
    const entries = {
      'node_modules/a': { version: '1.0.0', integrity: INTEGRITY, hasInstallScript: true },
      'node_modules/b': { version: '2.0.0', integrity: INTEGRITY, hasInstallScript: true },
    };
    const lock = fakeLock(pkg, entries);
    expect(checkLockfile(lock, { ...pkg, allowScripts: { a: true } })).toEqual([
      'b@2.0.0 (node_modules/b) has an install script not in allowScripts',
    ]);
    expect(checkLockfile(lock, { ...pkg, allowScripts: { a: true, 'b@2.0.0': true } })).toEqual([]);
    expect(checkLockfile(lock, { ...pkg, allowScripts: { a: true, 'b@1.9.0': true } })).toHaveLength(2); // pin no longer matches
    expect(checkLockfile(lock, { ...pkg, allowScripts: { a: true, b: false, sqlite3: true } })).toEqual([
      expect.stringMatching(/allowScripts lists "sqlite3", which no locked package/),
    ]);
  });

  it('only registry.npmjs.org: another registry, a git or tarball URL, a link, or an entry without integrity fail', () => {
    const lock = fakeLock(pkg, {
      'node_modules/a': { version: '1.0.0', integrity: INTEGRITY, resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz' },
      'node_modules/b': { version: '1.0.0', integrity: INTEGRITY, resolved: 'https://registry.example.com/b/-/b-1.0.0.tgz' },
      'node_modules/c': { version: '1.0.0', resolved: 'git+ssh://git@github.com/x/c.git#abc' },
      'node_modules/d': { link: true, resolved: 'packages/d' },
      'node_modules/e': { version: '1.0.0' },
      'node_modules/a/node_modules/f': { version: '1.0.0', inBundle: true },
    });
    const failing = checkLockfile(lock, pkg).map((line) => line.split(' ')[0]);
    expect(failing).toEqual(['node_modules/b', 'node_modules/c', 'node_modules/d', 'node_modules/e']);
  });

  it('a lockfile out of step with package.json, or of an old format, fails', () => {
    const lock = fakeLock({ dependencies: { a: '^1.0.0' } }, { 'node_modules/a': { version: '1.0.0', integrity: INTEGRITY } });
    expect(checkLockfile(lock, { dependencies: { a: '^2.0.0' } })).toEqual([expect.stringMatching(/does not match package.json/)]);
    expect(checkLockfile({ lockfileVersion: 1 }, pkg)).toHaveLength(1);
  });

  it('orders versions as semver does (numeric parts, prerelease before release)', () => {
    expect(compareVersions('7.5.19', '7.5.2')).toBe(1);
    expect(compareVersions('10.0.0', '9.9.9')).toBe(1);
    expect(compareVersions('7.5.19-beta.2', '7.5.19')).toBe(-1);
    expect(compareVersions('7.5.19-beta.10', '7.5.19-beta.2')).toBe(1);
    expect(compareVersions('2.0.1', '2.0.1')).toBe(0);
  });

  it('every flagged entry names an advisory or issue link', () => {
    for (const rule of FLAGGED) expect(rule.advisories.every((a) => a.startsWith('https://github.com/')), rule.name).toBe(true);
  });
});
