// The dashboard end to end in headless Chromium (Debian's /usr/bin/chromium through playwright-core): the page asks
// for the key, summaries land live while it is open, the charts count them, a failure shows with its reason, and
// the search shows a summary beside its redacted transcript. Takes a screenshot with data in it (a temp file here;
// `npm run dashboard:screenshot` writes docs/dashboard.png).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObservedRun, TEST_API_KEY, type ObservedRun } from './support/observed-run.js';
import { CHROMIUM_PATH, openBrowser, searchConversation, signIn, waitForLanded, type DashboardBrowser } from './support/dashboard-browser.js';
import type { SimConversation } from '../src/sim/genesys-sim.js';

const hasChromium = existsSync(CHROMIUM_PATH);
// CI installs chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM_PATH} is missing in CI: .ci/run must install the chromium package`);
if (!hasChromium) console.warn(`dashboard browser test SKIPPED: ${CHROMIUM_PATH} not found (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('dashboard in headless Chromium', () => {
  let run: ObservedRun;
  let browser: DashboardBrowser;
  let shots: string;
  const ended: SimConversation[] = [];

  beforeAll(async () => {
    shots = mkdtempSync(path.join(tmpdir(), 'wrapup-shots-'));
    run = await startObservedRun();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await run?.stop();
    rmSync(shots, { recursive: true, force: true });
  });

  it('asks for the key, refuses a wrong one and keeps the right one in sessionStorage only', async () => {
    const { page } = browser;
    await page.goto(`${run.wrapup.url}/`);
    await page.waitForSelector('#key-panel:not([hidden])');
    await page.fill('#key-input', 'wrong-key-0123456789abcdef0123456789');
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#key-error:has-text("not accepted")');
    await signIn(page, `${run.wrapup.url}/`, TEST_API_KEY);
    expect(await page.evaluate("[sessionStorage.getItem('wrapup.apiKey'), localStorage.length]")).toEqual([TEST_API_KEY, 0]);
  });

  it('shows summaries landing live, counts them in the charts and lists a failure with its reason', async () => {
    const { page } = browser;
    for (const media of ['voice', 'message', 'email'] as const) {
      const conversation = await run.endConversation(media);
      ended.push(conversation);
      await waitForLanded(page, conversation.id);
    }
    // Landed through the event stream: the page was never reloaded.
    expect(await page.locator('#live-list li').count()).toBe(3);
    const bars = async (chart: string) => page.$$eval(`${chart} rect.bar`, (rects) => rects.reduce((n, r) => n + Number(r.getAttribute('data-count')), 0));
    expect(await bars('#quality-chart')).toBe(3);
    expect(await bars('#latency-chart')).toBe(3);

    // A CRM asks for a conversation Genesys does not know: its task fails, and the page says why.
    const unknown = '00000000-0000-4000-8000-0000000000aa';
    const submitted = await fetch(`${run.wrapup.url}/api/summary/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversation_id: unknown }),
    });
    expect(submitted.status).toBe(202);
    await page.waitForSelector(`#failure-rows tr:has-text("${unknown}")`, { timeout: 20_000 });
    expect(await page.textContent('#failure-rows')).toContain('CONVERSATION_NOT_FOUND');
  });

  it('finds a conversation and shows its summary beside the redacted transcript', async () => {
    const { page } = browser;
    const conversation = ended[0]!;
    await searchConversation(page, conversation.id);
    const summary = (await page.textContent('#summary-view')) ?? '';
    const transcript = (await page.textContent('#transcript')) ?? '';
    expect(summary).toContain('quality');
    expect(transcript.length).toBeGreaterThan(50);
    expect(transcript).toMatch(/\[[A-Z_]+\]/);
    for (const { value } of conversation.scenario.pii) {
      expect(transcript.toLowerCase()).not.toContain(value.toLowerCase());
      expect(summary.toLowerCase()).not.toContain(value.toLowerCase());
    }
    const file = path.join(shots, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(20_000);
  });
});
