// End-to-end harness: the fixture HTTPS server plus Debian's Chromium (driven by playwright-core)
// with the built extension loaded from dist/chromium. www.linkedin.com resolves to the fixture
// server and every other host to nothing, so a test run never touches the real network.
//
//   const h = await launch();            // or launch({ extension: false }) for fixture checks
//   const page = await h.newPage();
//   await page.goto(h.url('/mypreferences/d/settings/data-for-ai-improvement'));
//   ...
//   await h.close();
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');
// OPTOUT_GUARD_EXTENSION_DIR points the tests at another unpacked build (e.g. a patched copy).
export const EXTENSION_DIR = path.resolve(process.env.OPTOUT_GUARD_EXTENSION_DIR || path.join(REPO, 'dist/chromium'));
export const ARTIFACTS = path.join(REPO, 'tests/artifacts');
export const HOST = 'www.linkedin.com';
export const ORIGIN = `https://${HOST}`;

// Generous per-condition timeout: the test machines have 2 noisy cores.
export const TIMEOUT = 15000;

function playwright() {
  // createRequire so NODE_PATH works too (ESM resolution ignores it).
  const require = createRequire(import.meta.url);
  try {
    return require('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: run `npm ci` in the repo (or point NODE_PATH at a node_modules that has it)');
  }
}

/** Chromium's flags for a run against the fixture server on `port`; the demo uses them too. */
export function chromiumArgs(port, extensionDir = null) {
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--host-resolver-rules=MAP ${HOST} 127.0.0.1:${port}, MAP * ~NOTFOUND`,
    '--ignore-certificate-errors',
  ];
  if (extensionDir) {
    args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
  }
  return args;
}

/**
 * Starts the fixture server and a fresh Chromium profile.
 * Returns {context, server, extensionId, serviceWorker, url(path), newPage(), screenshot(page, name),
 *          consoleMessages, errors, extensionErrors(), cspViolations, requests, close()}.
 */
export async function launch({ extension = true, viewport = { width: 1280, height: 900 } } = {}) {
  if (extension && !fs.existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`${path.relative(REPO, EXTENSION_DIR)}/manifest.json is missing: run ./build.sh first`);
  }
  const { chromium } = playwright();
  const server = await startServer();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'optout-guard-profile-'));

  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: chromiumArgs(server.port, extension ? EXTENSION_DIR : null),
      // Playwright adds --disable-extensions by default, which would drop --load-extension.
      ignoreDefaultArgs: extension ? ['--disable-extensions'] : [],
      ignoreHTTPSErrors: true,
      viewport,
      deviceScaleFactor: 1,
      timeout: 60000,
    });
  } catch (err) {
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(TIMEOUT);

  // Everything the pages and the extension say, so tests can assert the extension stayed quiet.
  const consoleMessages = [];
  const errors = [];
  const cspViolations = [];
  const requests = [];

  const record = (source, msg) => {
    const loc = msg.location?.() || {};
    const entry = { source, type: msg.type(), text: msg.text(), url: loc.url || '', page: msg.page?.()?.url() || null };
    if (entry.text.startsWith('[csp-violation] ')) {
      let detail;
      try { detail = JSON.parse(entry.text.slice('[csp-violation] '.length)); } catch { detail = { raw: entry.text }; }
      cspViolations.push({ ...detail, page: entry.page });
      return;
    }
    consoleMessages.push(entry);
    if (entry.type === 'error') errors.push(entry);
  };
  context.on('console', (msg) => record('page', msg));
  context.on('weberror', (err) => {
    errors.push({ source: 'page', type: 'pageerror', text: String(err.error()?.stack || err.error()), url: '', page: err.page()?.url() || null });
  });
  context.on('request', (req) => {
    let frameUrl = null;
    try { frameUrl = req.frame().url(); } catch { /* service-worker requests have no frame */ }
    requests.push({ url: req.url(), method: req.method(), resourceType: req.resourceType(), fromServiceWorker: !!req.serviceWorker(), frameUrl });
  });

  // The page's CSP reports violations as DOM events; the init script runs in the page's main world
  // and only forwards them to the console, where record() picks them up.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.warn('[csp-violation] ' + JSON.stringify({
        directive: e.violatedDirective, effective: e.effectiveDirective, blocked: e.blockedURI,
        source: e.sourceFile, line: e.lineNumber, sample: e.sample,
      }));
    }, true);
  });

  let serviceWorker = null;
  let extensionId = null;
  if (extension) {
    const isExtensionWorker = (w) => w.url().startsWith('chrome-extension://');
    serviceWorker = context.serviceWorkers().find(isExtensionWorker)
      || await context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 30000 }).catch(() => null);
    if (!serviceWorker) {
      await context.close();
      await server.close();
      throw new Error('the extension service worker did not start within 30 s (is dist/chromium a valid MV3 build?)');
    }
    extensionId = new URL(serviceWorker.url()).host;
    serviceWorker.on('console', (msg) => record('service-worker', msg));
  }

  const h = {
    context,
    server,
    extensionId,
    serviceWorker,
    consoleMessages,
    errors,
    cspViolations,
    requests,
    url: (p) => ORIGIN + p,
    extensionUrl: (p) => `chrome-extension://${extensionId}/${p.replace(/^\//, '')}`,
    async newPage() {
      return context.newPage();
    },
    async screenshot(page, name) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /** Console errors and page errors that came from the extension (its scripts or its worker). */
    extensionErrors() {
      const prefix = extensionId ? `chrome-extension://${extensionId}/` : 'chrome-extension://';
      return errors.filter((e) => e.source === 'service-worker' || e.url.startsWith(prefix) || e.text.includes(prefix));
    },
    async close() {
      await context.close().catch(() => {});
      await server.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/**
 * Asks the extension's service worker for the checklist view (contract §3/§4) from an extension
 * page, and returns a Map of catalog item URL path -> catalog item id.
 */
export async function catalogByPath(h) {
  const reply = await sendFromExtensionPage(h, { type: 'optout-guard/view' });
  if (!reply?.ok) throw new Error(`optout-guard/view failed: ${JSON.stringify(reply)}`);
  const map = new Map();
  for (const item of reply.view.items) {
    if (item.url) map.set(new URL(item.url).pathname.replace(/\/+$/, ''), item.id);
  }
  return map;
}

/**
 * Sends one message (contract §3) to the service worker from an extension page, the way the
 * popup does, and returns the reply.
 */
export async function sendFromExtensionPage(h, message) {
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  // Any page of the extension's origin can message its worker; prefer the real popup.
  const candidates = [manifest.action?.default_popup, manifest.options_ui?.page, 'manifest.json']
    .filter((p) => p && fs.existsSync(path.join(EXTENSION_DIR, p)));
  const page = await h.newPage();
  try {
    for (const p of candidates) {
      await page.goto(h.extensionUrl(p));
      if (await page.evaluate(() => typeof chrome?.runtime?.sendMessage === 'function')) {
        return await page.evaluate((m) => chrome.runtime.sendMessage(m), message);
      }
    }
    throw new Error(`no extension page with chrome.runtime found among ${candidates.join(', ')}`);
  } finally {
    await page.close();
  }
}

/** Text of the extension's banner, read through an open shadow root if it has one. */
export async function bannerText(page) {
  return page.evaluate(() => {
    const host = document.querySelector('[data-optout-guard-banner]');
    if (!host) return null;
    const parts = [];
    const walk = (node) => {
      for (let c = node.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === Node.TEXT_NODE) parts.push(c.data);
        else if (c.nodeType === Node.ELEMENT_NODE && !['style', 'script', 'template'].includes(c.localName)) {
          if (!c.hidden) { parts.push(' '); walk(c); parts.push(' '); }
        }
      }
    };
    walk(host.shadowRoot || host);
    return parts.join('').replace(/\s+/g, ' ').trim();
  });
}

/** Counts elements matching a selector in the document and in any open shadow roots. */
export async function countDeep(page, selector) {
  return page.evaluate((sel) => {
    let n = 0;
    const visit = (root) => {
      n += root.querySelectorAll(sel).length;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return n;
  }, selector);
}
