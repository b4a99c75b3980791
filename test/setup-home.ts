// Vitest setup, per test file: HOME is a fresh temp dir, so the Genesys SDK never reads (or watches) a developer's
// ~/.genesyscloudjavascript/config; removed when the file's tests end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const previous = process.env.HOME;
const home = mkdtempSync(path.join(tmpdir(), 'wrapup-test-home-'));
process.env.HOME = home;

afterAll(() => {
  process.env.HOME = previous;
  rmSync(home, { recursive: true, force: true });
});
