// Firefox harness: Debian's firefox-esr, headless, in a fresh profile, driven over WebDriver BiDi
// (Firefox's own remote protocol; no geckodriver, no downloaded browser). The built extension is
// installed as a temporary add-on from dist/firefox, and every request Firefox makes goes to a
// local proxy that only lets www.linkedin.com through, to the fixture server.
//
//   const ff = await launchFirefox();
//   const { extension } = await ff.installExtension(FIREFOX_EXTENSION_DIR);
//   const tab = await ff.newTab();
//   await ff.navigate(tab, ff.url('/mypreferences/d/settings/data-for-ai-improvement'));
//   await ff.waitFor(tab, () => !!document.querySelector('[data-optout-guard-banner]'), 'banner');
//   await ff.close();
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../server/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');
// OPTOUT_GUARD_FIREFOX_DIR points the tests at another unpacked build (e.g. a deliberately broken copy).
export const FIREFOX_EXTENSION_DIR = path.resolve(
  process.env.OPTOUT_GUARD_FIREFOX_DIR || path.join(REPO, 'dist/firefox'),
);
export const FIREFOX_BIN = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const HOST = 'www.linkedin.com';
export const ORIGIN = `https://${HOST}`;

// Per-condition timeout: Firefox on 2 noisy cores can take a while to start an add-on.
export const TIMEOUT = 30000;

function ws() {
  // Node 20 has no global WebSocket; `ws` is a pinned devDependency.
  const require = createRequire(import.meta.url);
  try {
    return require('ws');
  } catch {
    throw new Error('the npm package `ws` is not installed: run `npm ci` in the repo');
  }
}

// Everything that would make Firefox phone home on its own. The proxy below would refuse those
// requests anyway; the prefs keep them from being attempted, so the proxy's log stays meaningful.
const PREFS = {
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'app.update.auto': false,
  'app.update.checkInstallTime': false,
  'app.update.disabledForTesting': true,
  'browser.aboutwelcome.enabled': false,
  'browser.discovery.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.newtabpage.activity-stream.feeds.snippets': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.ping-centre.telemetry': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.search.geoip.url': '',
  'browser.search.update': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage': 'about:blank',
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.tabs.warnOnClose': false,
  'browser.topsites.contile.enabled': false,
  'browser.urlbar.suggest.quicksuggest.sponsored': false,
  'browser.urlbar.suggest.quicksuggest.nonsponsored': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'dom.push.connection.enabled': false,
  'dom.push.serverURL': '',
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.systemAddon.update.url': '',
  'extensions.update.autoUpdateDefault': false,
  'extensions.update.enabled': false,
  'geo.provider.network.url': '',
  'messaging-system.rsexperimentloader.enabled': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.urlbar.merino.endpointURL': '',
  'captivedetect.canonicalURL': '',
  'extensions.getAddons.get.url': '',
  'extensions.update.background.url': '',
  'extensions.update.url': '',
  'media.gmp-gmpopenh264.enabled': false,
  'media.gmp-manager.chromium-update-url': '',
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-manager.url': '',
  'media.gmp-provider.enabled': false,
  'media.gmp-widevinecdm.allow-chromium-update': false,
  'media.gmp-widevinecdm.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.http.speculative-parallel-limit': 0,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'security.OCSP.enabled': 0,
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'services.settings.server': 'data:,#remote-settings-off',
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.unified': false,
  // Extension console output (background and content script) goes to Firefox's stdout, which the
  // harness keeps so a failure can show why the add-on did not work.
  'devtools.console.stdout.chrome': true,
  'devtools.console.stdout.content': true,
  'browser.dom.window.dump.enabled': true,
};

function userJs(prefs) {
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join('');
}

/**
 * An HTTP proxy that tunnels CONNECT www.linkedin.com:443 to the fixture server and refuses
 * everything else. `attempts` lists every host:port Firefox asked for, allowed or not.
 */
async function startProxy(targetPort) {
  const attempts = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    // Plain http:// requests (the proxy's only other kind): never forwarded.
    attempts.push({ target: req.headers.host || req.url, allowed: false });
    res.writeHead(403, { Connection: 'close' });
    res.end();
  });
  server.on('connect', (req, client, head) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    const allowed = req.url === `${HOST}:443`;
    attempts.push({ target: req.url, allowed });
    if (!allowed) {
      client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head?.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    attempts,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}

/** Minimal WebDriver BiDi client: commands get their reply by id, events go to listeners. */
async function connectBidi(wsUrl, onClose) {
  const WebSocket = ws();
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  socket.on('message', (data) => {
    let msg;
    try { msg = JSON.parse(String(data)); } catch { return; }
    if (msg.id !== undefined && pending.has(msg.id)) {
      const { resolve, reject, method } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === 'error') reject(new Error(`${method}: ${msg.error}: ${msg.message}`));
      else resolve(msg.result);
    } else if (msg.type === 'event') {
      for (const l of listeners) l(msg);
    }
  });
  socket.on('close', () => {
    for (const { reject, method } of pending.values()) reject(new Error(`${method}: the BiDi connection closed`));
    pending.clear();
    onClose?.();
  });
  return {
    send(method, params = {}, timeout = TIMEOUT) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no reply within ${timeout} ms`));
        }, timeout);
        pending.set(id, {
          method,
          resolve: (v) => { clearTimeout(timer); resolve(v); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    on(listener) { listeners.add(listener); },
    close() { socket.close(); },
  };
}

/** Resolves with what `pattern` captured once `text()` matches it, or rejects after `timeout`. */
function waitForOutput(text, pattern, timeout, exited) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const m = pattern.exec(text());
      if (m) return resolve(m[1]);
      if (exited()) return reject(new Error(`Firefox exited before it printed ${pattern}:\n${text()}`));
      if (Date.now() - started > timeout) return reject(new Error(`Firefox did not print ${pattern} within ${timeout} ms:\n${text()}`));
      setTimeout(check, 50);
    };
    check();
  });
}

/**
 * Starts the fixture server, the proxy and Firefox with a fresh profile, and opens a BiDi session.
 * Returns {bidi, server, proxy, output(), logEntries, url(path), installExtension(dir), newTab(),
 *          navigate(ctx, url), evaluate(ctx, fn, ...args), waitFor(ctx, fn, what, ...args), close()}.
 */
export async function launchFirefox() {
  if (!fs.existsSync(FIREFOX_BIN)) {
    throw new Error(`${FIREFOX_BIN} is missing: apt-get install firefox-esr (or set $FIREFOX)`);
  }
  const server = await startServer();
  const proxy = await startProxy(server.port);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'optout-guard-firefox-'));
  fs.writeFileSync(path.join(profile, 'user.js'), userJs({
    ...PREFS,
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxy.port,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': proxy.port,
    'network.proxy.no_proxies_on': '',
    // Without this Firefox would bypass the proxy for localhost, and so for nothing else.
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.socks_remote_dns': true,
  }));

  let out = '';
  let exited = false;
  const child = spawn(FIREFOX_BIN, [
    '-headless', '-no-remote', '-new-instance', '-profile', profile, '--remote-debugging-port', '0',
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Release builds ignore services.settings.server unless this is set, and would then sync
    // Remote Settings from Mozilla's servers.
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
  });
  const collect = (chunk) => {
    out += chunk;
    // Keep the tail only: a failure report needs the last lines, not megabytes.
    if (out.length > 200000) out = out.slice(-100000);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const exit = new Promise((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  // A test process that dies must not leave its Firefox running.
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const cleanup = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 10000);
      await exit;
      clearTimeout(t);
    }
    process.removeListener('exit', killOnExit);
    await proxy.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  };

  let bidi;
  try {
    const wsBase = await waitForOutput(() => out, /WebDriver BiDi listening on (ws:\/\/\S+)/, 60000, () => exited);
    bidi = await connectBidi(`${wsBase}/session`);
    // The fixture server's certificate is a throwaway self-signed one.
    await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true } } }, 60000);
  } catch (err) {
    await cleanup();
    throw err;
  }

  const logEntries = [];
  bidi.on((msg) => {
    if (msg.method === 'log.entryAdded') logEntries.push(msg.params);
  });
  await bidi.send('session.subscribe', { events: ['log.entryAdded'] });

  const ff = {
    bidi,
    server,
    proxy,
    logEntries,
    output: () => out,
    url: (p) => ORIGIN + p,
    /** Installs `dir` as a temporary add-on; resolves with BiDi's reply ({extension: id}). */
    installExtension(dir) {
      return bidi.send('webExtension.install', { extensionData: { type: 'path', path: dir } });
    },
    async newTab() {
      const { context } = await bidi.send('browsingContext.create', { type: 'tab' });
      return context;
    },
    navigate(context, url) {
      return bidi.send('browsingContext.navigate', { context, url, wait: 'complete' });
    },
    /** Runs `fn(...args)` in the page and returns its JSON-serialisable result. */
    async evaluate(context, fn, ...args) {
      const r = await bidi.send('script.evaluate', {
        expression: `(async () => JSON.stringify(await (${fn})(...${JSON.stringify(args)})))()`,
        target: { context },
        awaitPromise: true,
        resultOwnership: 'none',
      });
      if (r.type !== 'success') throw new Error(`evaluate failed: ${r.exceptionDetails?.text}`);
      const v = r.result?.value;
      return v === undefined ? undefined : JSON.parse(v);
    },
    /**
     * Polls `fn(...args)` in the page until it returns a truthy value (which it resolves with).
     * On timeout the error names `what` and Firefox's recent output.
     */
    async waitFor(context, fn, what, ...args) {
      const deadline = Date.now() + TIMEOUT;
      let last;
      for (;;) {
        try {
          last = await ff.evaluate(context, fn, ...args);
          if (last) return last;
        } catch (err) {
          last = `error: ${err.message}`;
        }
        if (Date.now() > deadline) {
          throw new Error(`timed out after ${TIMEOUT} ms waiting for ${what} (last: ${JSON.stringify(last)})\n`
            + `--- Firefox output (tail) ---\n${out.slice(-4000)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await bidi.send('browser.close', {}, 10000).catch(() => {});
      bidi.close();
      await cleanup();
    },
  };
  return ff;
}
