// The dashboard's static files, read once at start from the dashboard/ folder beside this module: src/http/dashboard/
// under tsx, dist/http/dashboard/ after `npm run build` (whose script copies the folder there after tsc).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the page and its files live: `dashboard/` next to this module (src/http/ or dist/http/). */
export const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));

export interface DashboardAsset {
  name: string;
  contentType: string;
  body: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page (index.html) and every other file of the folder with a known type. Throws when the folder is missing. */
export function loadDashboardAssets(dir: string = DASHBOARD_DIR): { page: DashboardAsset; files: DashboardAsset[] } {
  const files = readdirSync(dir)
    .filter((name) => TYPES[path.extname(name)] !== undefined)
    .map((name) => ({ name, contentType: TYPES[path.extname(name)]!, body: readFileSync(path.join(dir, name), 'utf8') }));
  const page = files.find((f) => f.name === 'index.html');
  if (!page) throw new Error(`dashboard page missing: ${path.join(dir, 'index.html')}`);
  return { page, files: files.filter((f) => f !== page) };
}
