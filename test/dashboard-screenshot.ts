// Regenerates docs/dashboard.png: a simulated run with summaries landing, one failure and a search, shot in
// Debian's headless Chromium. Run: npm run dashboard:screenshot (needs /usr/bin/chromium).
import { fileURLToPath } from 'node:url';
import { startObservedRun, TEST_API_KEY } from './support/observed-run.js';
import { openBrowser, searchConversation, signIn, waitForLanded } from './support/dashboard-browser.js';

const OUT = fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));
const MEDIA = ['voice', 'message', 'email', 'voice', 'message', 'voice', 'email', 'message'] as const;

async function main(): Promise<void> {
  const run = await startObservedRun();
  const browser = await openBrowser({ width: 1440, height: 900 });
  try {
    await signIn(browser.page, `${run.wrapup.url}/`, TEST_API_KEY);
    const ended = [];
    for (const [i, media] of MEDIA.entries()) {
      const scenario = run.sim.scenarios.filter((s) => s.mediaType === media)[i % 3] ?? run.sim.scenarios.find((s) => s.mediaType === media)!;
      const conversation = await run.sim.playConversation({ scenario, queueId: run.sim.queues[0]!.id });
      ended.push(conversation);
      await waitForLanded(browser.page, conversation.id);
    }
    await fetch(`${run.wrapup.url}/api/summary/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversation_id: '00000000-0000-4000-8000-0000000000aa' }),
    });
    await browser.page.waitForSelector('#failure-rows tr', { timeout: 20_000 });
    await browser.page.waitForSelector(`[data-chip=completed]:has-text("${MEDIA.length}")`);
    await searchConversation(browser.page, ended[0]!.id);
    await browser.page.screenshot({ path: OUT, fullPage: true });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
    await run.stop();
  }
}

await main();
