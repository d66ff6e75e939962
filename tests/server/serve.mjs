// HTTPS fixture server standing in for www.linkedin.com in the end-to-end tests.
// Chromium maps www.linkedin.com to it (--host-resolver-rules), so the extension's real match
// patterns fire. Every HTML page carries a LinkedIn-like strict CSP: if the extension needed
// inline script, eval or WebAssembly in the page, it would break here first.
//
//   node tests/server/serve.mjs [--port N]      prints "listening on https://127.0.0.1:PORT"
//   import { startServer } from './serve.mjs';  const s = await startServer({ port: 0 });
import https from 'node:https';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(here, '../fixtures');
const STATIC = path.join(FIXTURES, 'static');

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'";
export const LANGS = ['en', 'de', 'fr'];

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

// A fresh self-signed certificate per server start; nothing secret is ever committed.
function makeCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optout-guard-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=www.linkedin.com',
      '-addext', 'subjectAltName=DNS:www.linkedin.com,DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'pipe' });
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } catch (err) {
    throw new Error(`could not create a test certificate with the openssl CLI: ${err.message}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function template(file, lang) {
  return fs.readFileSync(path.join(FIXTURES, file), 'utf8').replaceAll('{{LANG}}', lang);
}

function sendHtml(res, status, body, head) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': CSP,
    'X-Frame-Options': 'sameorigin',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : body);
}

function sendStatic(res, rel, head) {
  const file = path.resolve(STATIC, rel);
  if (!file.startsWith(STATIC + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return false;
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : fs.readFileSync(file));
  return true;
}

function redirect(res, location, status = 302) {
  res.writeHead(status, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

function handle(req, res) {
  const url = new URL(req.url, 'https://www.linkedin.com');
  const p = url.pathname;
  const head = req.method === 'HEAD';
  const lang = LANGS.includes(url.searchParams.get('lang')) ? url.searchParams.get('lang') : 'en';

  // Pretend sign-in: the form posts here and lands on the Data privacy overview.
  if (req.method === 'POST' && p === '/checkpoint/lg/login-submit') {
    req.resume();
    req.on('end', () => redirect(res, '/mypreferences/d/categories/privacy', 303));
    return;
  }
  if (req.method !== 'GET' && !head) {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }

  if (p.startsWith('/static/') && sendStatic(res, p.slice('/static/'.length), head)) return;
  if (p === '/favicon.ico' && sendStatic(res, 'favicon.svg', head)) return;
  if (p === '/') return sendHtml(res, 200, template('index.html', lang), head);
  if (p === '/login' || p === '/authwall' || p === '/checkpoint/lg/login') {
    return sendHtml(res, 200, template('login.html', lang), head);
  }
  if (p.startsWith('/mypreferences/') || p === '/mypreferences' || p.startsWith('/psettings')) {
    // Signed-out members asking for a settings page are sent to the sign-in wall, as on LinkedIn.
    if (url.searchParams.get('signedout') === '1') {
      return redirect(res, `/authwall?sessionRedirect=${encodeURIComponent(url.origin + p)}`);
    }
    // Or the sign-in wall is shown in place, at the settings URL itself.
    if (url.searchParams.get('wall') === '1') return sendHtml(res, 200, template('login.html', lang), head);
    return sendHtml(res, 200, template('shell.html', lang), head);
  }
  return sendHtml(res, 404, template('notfound.html', 'en'), head);
}

/**
 * Starts the fixture server. `requests` lists every request received ({method, path}), so tests
 * can check that nothing but the fixture pages and their own assets was ever asked for.
 */
export async function startServer({ port = 0, host = '127.0.0.1', log = false } = {}) {
  const requests = [];
  const server = https.createServer(makeCertificate(), (req, res) => {
    const entry = { method: req.method, path: req.url };
    requests.push(entry);
    if (log) console.log(`${req.method} ${req.url}`);
    try {
      handle(req, res);
    } catch (err) {
      console.error(err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    port: actual,
    origin: `https://${host}:${actual}`,
    requests,
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number.parseInt(process.argv[i + 1], 10) : 0;
  if (i > 0 && !(port >= 0 && port < 65536)) {
    console.error('usage: node tests/server/serve.mjs [--port N] [--log]');
    process.exit(2);
  }
  const s = await startServer({ port, log: process.argv.includes('--log') });
  console.log(`listening on https://127.0.0.1:${s.port}`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
