// The wasm build in headless Chromium (Debian's; playwright-core drives it): milliseconds to
// compile and instantiate the module from its bytes in a fresh page, fastest of 5. The sandbox
// serves the package's browser files under /console/pkg/.
// Usage: node bench/chromium_bench.mjs <sandbox-url>   (prints JSON)
import { createRequire } from 'node:module';
import path from 'node:path';

const url = process.argv[2];
const require = createRequire(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'js', 'package.json'));
const { chromium } = require('playwright-core');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
let fastest = Infinity;
try {
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage();
    await page.goto(`${url}/console/pkg/index.js`);
    const ms = await page.evaluate(async () => {
      const bytes = await (await fetch('/console/pkg/wasm/agentphone_wasm_bg.wasm')).arrayBuffer();
      const glue = await import('/console/pkg/wasm/agentphone_wasm.js');
      const started = performance.now();
      await glue.default({ module_or_path: bytes });
      return performance.now() - started;
    });
    fastest = Math.min(fastest, ms);
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ wasm_instantiate_chromium: fastest }));
