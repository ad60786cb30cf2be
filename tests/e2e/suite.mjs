// One `describe` block per engine for the e2e files that drive engines through engines.mjs:
// the app served (startApp, its `setFault` included) and the engine launched before the
// block's tests, both closed after them, with one page open at a time.
import { describe, before, after } from 'node:test';
import { launch, startApp } from './engines.mjs';

/**
 * `body(s)` declares the tests. While they run, `s.app` is the server and `s.engine` the
 * engine; `s.open(path, opts)` closes the page opened before (WebKitWebDriver runs one
 * session at a time) and opens `path` in a new one (`opts`: EnginePage options, `allow`).
 */
export function describeEngine(name, body) {
  describe(name, () => {
    const s = {
      app: null,
      engine: null,
      page: null,
      async open(path = '/', opts = {}) {
        await s.page?.close().catch(() => {});
        s.page = await s.engine.newPage(opts);
        await s.page.goto(s.app.url + path);
        return s.page;
      },
    };
    before(async () => {
      s.app = await startApp();
      s.engine = await launch(name);
      console.log(`# ${s.engine.label} via ${s.engine.automation}`);
    });
    after(async () => {
      await s.page?.close().catch(() => {});
      await s.engine?.close();
      await s.app?.close();
    });
    body(s);
  });
}
