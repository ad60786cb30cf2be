// Keyboard shortcuts leave keys aimed at a focused control to it (issue 26, finding 10), in
// Chromium and Firefox: Space on a focused button presses the button (as Enter does) and does
// not pause the simulation; Space elsewhere is still play/pause, and the tier keys still work
// with a button focused. SASI_ENGINES=chromium (default chromium,firefox) picks engines.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { engineList, waitRunning, sleep } from './engines.mjs';
import { describeEngine } from './suite.mjs';

const playing = (page) => page.evaluate(() => document.querySelector('[data-testid=play-pause]').textContent.trim() === 'Pause');

for (const name of engineList(process.env.SASI_ENGINES || 'chromium,firefox').filter((n) => n !== 'webkit')) {
  describeEngine(name, (s) => {
    let page;
    before(async () => {
      page = await s.open('/?n=256');
      await waitRunning(page);
    });
    // The automation's own key press, with the focus where the test put it (EnginePage.press
    // blurs first, as a shortcut test wants; this one must not).
    const pressFocused = (key) => page.raw.keyboard.press(key);
    const focus = (testid) => page.evaluate((id) => {
      const el = document.querySelector(`[data-testid=${id}]`);
      el.focus();
      return document.activeElement === el;
    }, testid);

    test(`${name}: Space on a focused "Run sweep" starts the sweep and the simulation keeps playing`, async () => {
      assert.equal(await playing(page), true);
      assert.equal(await focus('sweep-run'), true);
      await pressFocused(' ');
      await page.waitFor(() => document.querySelector('[data-testid=sweep]').dataset.running === 'true', null,
        { timeout: 5000, what: 'Space to press Run sweep' });
      await sleep(300);
      assert.equal(await playing(page), true, 'Space pressed the button, it did not pause the simulation');
      await page.click('[data-testid=sweep-cancel]');
    });

    test(`${name}: Space on a focused "Presenter mode" enters it; Space on the page still pauses and the tier keys still work`, async () => {
      assert.equal(await focus('presenter'), true);
      await pressFocused(' ');
      await page.waitFor(() => document.body.classList.contains('presenter'), null, { timeout: 5000, what: 'presenter mode' });
      assert.equal(await playing(page), true, 'the simulation still plays');
      await pressFocused('Escape');
      await page.waitFor(() => !document.body.classList.contains('presenter'), null, { timeout: 5000, what: 'presenter mode to end' });
      // A tier key with a button focused is still the page's.
      assert.equal(await focus('sweep-run'), true);
      await pressFocused('1');
      await page.waitFor(() => document.querySelector('[data-testid=active-tier]').textContent.includes('JavaScript'), null,
        { timeout: 10000, what: 'key 1 to switch to the JS tier' });
      // Space with nothing focused is play/pause.
      await page.press(' ');
      await page.waitFor(() => document.querySelector('[data-testid=play-pause]').textContent.trim() === 'Play', null,
        { timeout: 5000, what: 'Space on the page to pause' });
      await page.press(' ');
      await page.waitFor(() => document.querySelector('[data-testid=play-pause]').textContent.trim() === 'Pause', null,
        { timeout: 5000, what: 'Space on the page to play again' });
      assert.deepEqual(await page.problems(), []);
    });
  });
}
