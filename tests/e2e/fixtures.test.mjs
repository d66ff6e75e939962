// Checks the fixture site itself, in Chromium WITHOUT the extension: if these fail, the content
// script tests would be testing against the wrong page.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { launch } from './harness.mjs';
import { CSP } from '../server/serve.mjs';

const AI = '/mypreferences/d/settings/data-for-ai-improvement';
const AI_SWITCH = 'input[role="switch"][aria-labelledby="allowDataForGenerativeAI"]';

function fetchRaw(port, path) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: { Host: 'www.linkedin.com' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('fixture site (no extension)', () => {
  let h;
  let page;
  before(async () => { h = await launch({ extension: false }); });
  after(async () => { await h?.close(); });

  test('every HTML route sends the strict LinkedIn-like headers', async () => {
    const routes = [AI, '/mypreferences/d/interest-categories', '/mypreferences/d/member-cookies',
      '/mypreferences/d/categories/privacy', '/mypreferences/d/categories/ads', '/psettings/privacy',
      '/login', '/authwall', `${AI}?wall=1`, '/', '/no-such-page'];
    for (const r of routes) {
      const res = await fetchRaw(h.server.port, r);
      assert.equal(res.headers['content-security-policy'], CSP, r);
      assert.equal(res.headers['x-frame-options'], 'sameorigin', r);
      assert.doesNotMatch(CSP, /unsafe|wasm/);
      assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=/i, `${r} has inline script/style/handlers`);
    }
    assert.equal((await fetchRaw(h.server.port, '/no-such-page')).status, 404);
    const redirect = await fetchRaw(h.server.port, `${AI}?signedout=1`);
    assert.equal(redirect.status, 302);
    assert.match(redirect.headers.location, /^\/authwall\?sessionRedirect=/);
  });

  test('AI setting page renders the LinkedIn-like switch', async () => {
    page = await h.newPage();
    await page.goto(h.url(AI));
    const sw = page.locator(AI_SWITCH);
    await sw.waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').textContent(), 'Data for Generative AI Improvement');
    assert.equal(await page.locator('#allowDataForGenerativeAI').textContent(), 'Use my data for training content creation AI models');
    assert.match(await sw.getAttribute('id'), /^ember\d+$/);
    assert.equal(await sw.getAttribute('class'), 'artdeco-toggle__button');
    assert.equal(await sw.getAttribute('type'), 'checkbox');
    assert.equal(await sw.isChecked(), true);
    assert.equal(await sw.getAttribute('aria-checked'), 'true');
    assert.equal(await page.locator('.artdeco-toggle__text').textContent(), 'On');
    assert.equal(await page.locator('input[type=checkbox], [role=switch]').count(), 1);
    await h.screenshot(page, 'fixture-ai-on');
  });

  test('toggling replaces the whole row, and state survives in-app navigation', async () => {
    const before = await page.locator(AI_SWITCH).elementHandle();
    await page.locator(AI_SWITCH).click();
    await page.waitForFunction((old) => !old.isConnected, before);
    const sw = page.locator(AI_SWITCH);
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('aria-checked') === 'false', AI_SWITCH);
    assert.equal(await sw.isChecked(), false);
    assert.equal(await page.locator('.artdeco-toggle__text').textContent(), 'Off');
    assert.equal(await page.locator('input[type=checkbox], [role=switch]').count(), 1);
    await h.screenshot(page, 'fixture-ai-toggled-off');

    await page.evaluate(() => { window.__noReload = true; });
    await page.click('a.settings-nav__link--privacy');
    await page.locator('h1', { hasText: 'Data privacy' }).waitFor();
    const row = page.locator(`a.settings-row[href="${AI}"]`);
    assert.equal(await row.locator('.settings-row__value').textContent(), 'Off');
    assert.equal(await page.evaluate(() => window.__noReload), true);
    await page.close();
  });

  test('left nav and rows navigate with pushState, back uses popstate', async () => {
    page = await h.newPage();
    await page.goto(h.url(AI));
    await page.locator(AI_SWITCH).waitFor();
    await page.evaluate(() => { window.__noReload = true; });
    await page.click('a.settings-nav__link--ads');
    await page.locator('h1', { hasText: 'Advertising data' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/mypreferences/d/categories/ads');
    assert.equal(await page.locator(AI_SWITCH).count(), 0);
    await page.click('a.settings-row[href="/mypreferences/d/settings/ads-beyond-linkedin"]');
    await page.locator('input[role=switch][aria-labelledby="allowLinkedInAudienceNetwork"]').waitFor();
    assert.equal(new URL(page.url()).pathname, '/mypreferences/d/settings/ads-beyond-linkedin');
    await page.goBack();
    await page.locator('h1', { hasText: 'Advertising data' }).waitFor();
    assert.equal(await page.evaluate(() => window.__noReload), true, 'navigation reloaded the page');
    await page.close();
  });

  test('late render shows a skeleton first', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?delay=4000`), { waitUntil: 'domcontentloaded' });
    await page.locator('.settings-loading').waitFor({ state: 'attached' });
    assert.equal(await page.locator(AI_SWITCH).count(), 0);
    await page.locator(AI_SWITCH).waitFor();
    assert.equal(await page.locator('.settings-loading').count(), 0);
    await page.close();
  });

  test('overview rows carry per-setting state text', async () => {
    page = await h.newPage();
    await page.goto(h.url('/mypreferences/d/categories/privacy?states=data-for-ai-improvement:off,policy-and-academic-research:none'));
    await page.locator('h1', { hasText: 'Data privacy' }).waitFor();
    const value = (href) => page.locator(`a.settings-row[href="${href}"] .settings-row__value`);
    assert.equal(await value(AI).textContent(), 'Off');
    assert.equal(await value('/mypreferences/d/settings/share-data-with-select-partners').textContent(), 'On');
    assert.equal(await value('/mypreferences/d/member-cookies').textContent(), 'On');
    assert.equal(await value('/mypreferences/d/settings/policy-and-academic-research').count(), 0);
    await h.screenshot(page, 'fixture-privacy-overview');

    await page.goto(h.url('/mypreferences/d/categories/ads?state=off&lang=de'));
    await page.locator('h1', { hasText: 'Werbedaten' }).waitFor();
    const modelled = ['ads-by-age', 'ads-by-gender', 'ads-inferred-location', 'ads-interactions-with-business',
      'ads-related-actions', 'ads-beyond-linkedin', 'linkedin-promotions'].map((s) => `/mypreferences/d/settings/${s}`)
      .concat('/mypreferences/d/interest-categories');
    for (const href of modelled) assert.equal(await value(href).textContent(), 'Aus', href);
    // Rows the fixtures don't model keep their own fixed value.
    assert.equal(await value('/mypreferences/d/settings/ads-connections').textContent(), 'An');
    await page.close();
  });

  test('languages: German and French texts, On/Off words and <html lang>', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?lang=de`));
    await page.locator(AI_SWITCH).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.locator('h1').textContent(), 'Daten zur Verbesserung generativer KI');
    assert.equal(await page.locator('#allowDataForGenerativeAI').textContent(), 'Ihre Daten zum Schulen von KI-Modellen verwenden, um Inhalte zu erstellen');
    assert.equal(await page.locator('.artdeco-toggle__text').textContent(), 'An');
    await page.goto(h.url(`${AI}?lang=fr&state=off`));
    await page.locator(AI_SWITCH).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.equal(await page.locator('h1').textContent(), "Données pour l'amélioration de l'IA générative");
    assert.equal(await page.locator('#allowDataForGenerativeAI').textContent(), "Utiliser mes données pour entraîner des modèles d'IA de création de contenu");
    assert.equal(await page.locator('.artdeco-toggle__text').textContent(), 'Désactivé');
    await page.close();
  });

  test('variants: ember label ids, unknown switch, two unlabeled switches', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?lang=de&ids=ember&unknown=1`));
    const ember = page.locator('input[role=switch]').first();
    await ember.waitFor();
    const labelledBy = await ember.getAttribute('aria-labelledby');
    assert.match(labelledBy, /^ember\d+$/);
    assert.equal(await page.locator(`#${labelledBy}`).textContent(), 'Ihre Daten zum Schulen von KI-Modellen verwenden, um Inhalte zu erstellen');
    assert.equal(await page.locator('#allowDataForGenerativeAI').count(), 0);
    assert.equal(await page.locator('input[role=switch][aria-labelledby="allowProfileDiscoveryExperiment"]').count(), 1);
    await h.screenshot(page, 'fixture-ai-de-ember-unknown');

    await page.goto(h.url(`${AI}?two=1`));
    await page.locator('input[role=switch]').nth(1).waitFor();
    assert.equal(await page.locator('input[role=switch]').count(), 2);
    assert.equal(await page.locator('input[role=switch][aria-labelledby], input[role=switch][aria-label]').count(), 0);
    assert.equal(await page.locator('#allowDataForGenerativeAI').count(), 0);
    await page.close();
  });

  test('cookie page checkbox and sign-in wall form', async () => {
    page = await h.newPage();
    await page.goto(h.url('/mypreferences/d/member-cookies'));
    const box = page.locator('input#nonEssentialCookieConsent[type=checkbox]');
    await box.waitFor();
    assert.equal(await box.isChecked(), true);
    assert.equal(await page.locator('label[for=nonEssentialCookieConsent]').textContent(), 'Allow non-essential cookies');
    for (const p of ['/login', '/authwall', `${AI}?wall=1`]) {
      await page.goto(h.url(p));
      assert.equal(await page.locator('input[name=session_key]').count(), 1);
      assert.equal(await page.locator('input[type=password]').count(), 1);
    }
    await h.screenshot(page, 'fixture-sign-in-wall');
    await page.close();
  });

  test('fixtures themselves log no errors and violate no CSP', () => {
    assert.deepEqual(h.errors, []);
    assert.deepEqual(h.cspViolations, []);
  });
});
