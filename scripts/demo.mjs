// Headless demo for machines without a display: loads dist/chromium into Debian's Chromium, opens
// the fixture pages as if they were www.linkedin.com, and saves what a person would see as PNGs.
//   node scripts/demo.mjs --port <fixture server port> --ext dist/chromium --out dist/demo \
//     [--chromium /usr/bin/chromium] <url>...
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../tests/e2e/harness.mjs';

function parseArgs(argv) {
  const opts = { chromium: '/usr/bin/chromium', urls: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port' || a === '--ext' || a === '--out' || a === '--chromium') opts[a.slice(2)] = argv[++i];
    else opts.urls.push(a);
  }
  if (!opts.port || !opts.ext || !opts.out || opts.urls.length === 0) {
    throw new Error('usage: demo.mjs --port N --ext DIR --out DIR [--chromium PATH] URL...');
  }
  return opts;
}

// The content script paints asynchronously (one round trip to the service worker), so a shot
// taken at `load` can miss it. Wait until the page has stopped changing instead; the cap keeps a
// page that animates forever from hanging the demo.
async function settled(page, { quietMs = 750, capMs = 10_000 } = {}) {
  await page.evaluate(
    ({ quietMs, capMs }) =>
      new Promise((done) => {
        let timer;
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(finish, quietMs);
        });
        const cap = setTimeout(finish, capMs);
        function finish() {
          observer.disconnect();
          clearTimeout(cap);
          done();
        }
        observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        timer = setTimeout(finish, quietMs);
      }),
    { quietMs, capMs },
  );
}

function slug(url) {
  const u = new URL(url);
  return (u.host + u.pathname).replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

const opts = parseArgs(process.argv.slice(2));
const ext = resolve(opts.ext);
const out = resolve(opts.out);
mkdirSync(out, { recursive: true });
const manifest = JSON.parse(readFileSync(join(ext, 'manifest.json'), 'utf8'));

const profile = mkdtempSync(join(tmpdir(), 'optout-guard-demo-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opts.chromium,
  headless: true,
  // Playwright passes --disable-extensions by default; drop it rather than rely on
  // --disable-extensions-except winning over it.
  ignoreDefaultArgs: ['--disable-extensions'],
  // The same flags as the e2e tests: every host but the fixture server fails to resolve, so
  // the demo never reaches the network.
  args: ['--headless=new', ...chromiumArgs(opts.port, ext)],
  ignoreHTTPSErrors: true,
  viewport: { width: 1280, height: 900 },
});

const shots = [];
const problems = [];
try {
  const worker =
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const extensionId = new URL(worker.url()).host;
  console.log(`extension loaded: ${extensionId} (service worker ${new URL(worker.url()).pathname})`);

  const targets = opts.urls.map((url) => ({ url, viewport: { width: 1280, height: 900 } }));
  const popup = manifest.action?.default_popup;
  if (popup) {
    targets.push({ url: `chrome-extension://${extensionId}/${popup}`, viewport: { width: 420, height: 640 }, name: 'popup' });
  }

  for (const [i, target] of targets.entries()) {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${target.url}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${target.url}: console: ${m.text()}`);
    });
    await page.setViewportSize(target.viewport);
    await page.goto(target.url, { waitUntil: 'load' });
    await settled(page);
    const file = join(out, `${String(i + 1).padStart(2, '0')}-${target.name ?? slug(target.url)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
    await page.close();
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const p of problems) console.warn(`warning: ${p}`);
console.log('screenshots:');
for (const s of shots) console.log(`  ${s}`);
