// Drives the dashboard in Debian's headless Chromium through playwright-core (no browser download): used by
// test/dashboard-browser.test.ts and by test/dashboard-screenshot.ts (which writes docs/dashboard.png).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface DashboardBrowser {
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a new, empty profile (removed on close) and one page at `size`. */
export async function openBrowser(size = { width: 1440, height: 1000 }): Promise<DashboardBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'wrapup-chromium-'));
  let context: BrowserContext | undefined;
  try {
    // launchPersistentContext passes the empty profile as --user-data-dir.
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport: size });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      page,
      close: async () => {
        await context?.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Opens the page at `url`, enters `key` in its key form and waits until its event stream is live. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.fill('#key-input', key);
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#conn-state[data-state="on"]', { timeout: 15_000 });
}

/** Waits until the live list shows the conversation. */
export async function waitForLanded(page: Page, conversationId: string, timeoutMs = 20_000): Promise<void> {
  await page.waitForSelector(`#live-list li[data-conversation-id="${conversationId}"]`, { timeout: timeoutMs });
}

/** Searches a conversation and waits for its transcript turns. */
export async function searchConversation(page: Page, conversationId: string): Promise<void> {
  await page.fill('#search-input', conversationId);
  await page.click('#search-form button[type=submit]');
  await page.waitForSelector('#search-result:not([hidden]) #transcript li', { timeout: 20_000 });
}
