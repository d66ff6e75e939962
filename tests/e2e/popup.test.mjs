// The toolbar popup and the printable report page against the real service worker, after the
// content script has read fixture pages. The popup is opened as a tab at
// chrome-extension://<id>/popup.html (a headless browser has no toolbar to click).
// The tests run in order and share one browser profile: each builds on the checklist the
// previous ones left. Every wait is for a condition, never for time.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, sendFromExtensionPage, TIMEOUT } from './harness.mjs';

const AI_PATH = '/mypreferences/d/settings/data-for-ai-improvement';
const AI_URL = `https://www.linkedin.com${AI_PATH}`;
const AI_SWITCH = 'input[role="switch"][aria-labelledby="allowDataForGenerativeAI"]';
const ESSENTIAL = ['ai-training', 'ads-share-affiliates', 'ads-beyond-linkedin', 'ads-data-from-others', 'ads-measure-success', 'objection-form'];

describe('toolbar popup and printable report', { timeout: 300000 }, () => {
  let h;
  let popup;
  let exported; // the JSON export's text, imported again later
  let itemCount; // how many items the catalog has, as the service worker's view says

  before(async () => {
    h = await launch({ viewport: { width: 400, height: 700 } });
    const reply = await sendFromExtensionPage(h, { type: 'optout-guard/view' });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    itemCount = reply.view.items.length;
    assert.ok(itemCount >= ESSENTIAL.length + 2, `the catalog has ${itemCount} items`);
  });
  after(async () => {
    await h?.close();
  });

  /** Opens the popup in a fresh tab and waits until it has rendered a view. */
  async function openPopup() {
    await popup?.close().catch(() => {});
    popup = await h.newPage();
    await popup.goto(h.extensionUrl('popup.html'));
    await popup.waitForSelector('#status[aria-busy="false"]');
    await popup.waitForSelector('[data-item="ai-training"]');
    return popup;
  }

  /** Waits until item `id` shows `status` in the popup; on timeout says what it shows instead. */
  async function itemStatus(page, id, status) {
    try {
      await page.waitForFunction(([i, s]) => document.querySelector(`[data-item="${i}"]`)?.dataset.status === s, [id, status]);
    } catch (err) {
      const seen = await page.evaluate((i) => document.querySelector(`[data-item="${i}"]`)?.dataset.status ?? 'no such item', id);
      throw new Error(`item ${id} never showed status ${status}; it shows ${seen} (${err.message.split('\n')[0]})`);
    }
  }

  const text = (page, sel) => page.locator(sel).first().innerText().then((t) => t.replace(/\s+/g, ' ').trim());
  const pill = (page, id) => text(page, `[data-item="${id}"] .pill`);

  async function waitText(page, sel, pattern) {
    try {
      await page.waitForFunction(([s, src, flags]) => new RegExp(src, flags).test(document.querySelector(s)?.textContent ?? ''), [sel, pattern.source, pattern.flags]);
    } catch (err) {
      throw new Error(`${sel} never matched ${pattern}; it reads "${await text(page, sel).catch(() => '(missing)')}" (${err.message.split('\n')[0]})`);
    }
  }

  async function badge() {
    return h.serviceWorker.evaluate(async () => ({
      text: await chrome.action.getBadgeText({}),
      title: await chrome.action.getTitle({}),
    }));
  }

  /** Visits a fixture page and waits until the content script painted the AI switch as `state`. */
  async function visitAi(query, state) {
    const page = await h.newPage();
    await page.goto(h.url(`${AI_PATH}${query}`));
    await page.waitForSelector(`${AI_SWITCH}[data-optout-guard-state="${state}"]`);
    await page.close();
  }

  /**
   * Stops the extension's service worker through CDP (it loses everything in memory), then runs
   * `wake` and waits until the worker runs again. Returns whether the in-memory marker survived.
   */
  async function restartWorker(page, wake) {
    const cdp = await h.context.newCDPSession(page);
    let last = null;
    const waiters = new Set();
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const v of versions) {
        if (v.scriptURL.startsWith(`chrome-extension://${h.extensionId}/`)) last = v.runningStatus;
      }
      for (const w of waiters) w();
    });
    const until = (status) => new Promise((resolve, reject) => {
      const check = () => {
        if (last !== status) return;
        waiters.delete(check);
        clearTimeout(deadline);
        resolve();
      };
      const deadline = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the service worker did not reach "${status}" (last: ${last})`));
      }, TIMEOUT);
      waiters.add(check);
      check();
    });
    try {
      await cdp.send('ServiceWorker.enable');
      await until('running');
      await h.serviceWorker.evaluate(() => { self.__optoutGuardTestMarker = 'before restart'; });
      await cdp.send('ServiceWorker.stopAllWorkers');
      await until('stopped');
      await wake();
      await until('running');
      return await h.serviceWorker.evaluate(() => self.__optoutGuardTestMarker ?? null);
    } finally {
      await cdp.detach().catch(() => {});
    }
  }

  async function chooseFile(page, name, content) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#import')]);
    await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
  }

  test('before any page is read: nothing is claimed done, region not chosen, badge "?"', async () => {
    const page = await openPopup();
    assert.equal(await text(page, '#summary'), '0 of 6 essential opt-outs done');
    assert.equal(await text(page, '#count-on'), '0');
    assert.equal(await text(page, '#count-checked'), '0');
    assert.match(await text(page, '#session'), /^Not known yet\./);
    // Grouped by tier, in catalog order, essential first.
    const tiers = await page.$$eval('.tier', (secs) => secs.map((s) => [s.querySelector('h2').textContent,
      Array.from(s.querySelectorAll('[data-item]'), (li) => li.dataset.item)]));
    assert.deepEqual(tiers.map(([t]) => t), ['Essential', 'Recommended', 'Optional']);
    assert.deepEqual(tiers[0][1], ESSENTIAL);
    const statuses = await page.$$eval('[data-item]', (lis) => lis.map((li) => [li.dataset.item, li.dataset.status, li.querySelector('.pill').textContent]));
    assert.equal(statuses.length, itemCount);
    for (const [id, status, label] of statuses) {
      assert.ok(['unknown', 'todo'].includes(status), `${id} is ${status} before anything was read`);
      assert.equal(label, status === 'unknown' ? 'Not checked' : 'To do', id);
    }
    assert.equal(await page.locator('#region').inputValue(), 'unknown');
    assert.equal(await page.locator('#region option:checked').textContent(), 'Not chosen yet');
    assert.equal(await page.locator('#notice').isHidden(), true);
    assert.equal(await page.locator('#error').isHidden(), true);
    const b = await badge();
    assert.equal(b.text, '?');
    assert.match(b.title, /has not checked your LinkedIn settings yet/);
  });

  test('AI switch seen on: "On" with its last-seen time, summary and badge count it', async () => {
    const started = Date.now();
    await visitAi('', 'on');
    const page = await openPopup();
    await itemStatus(page, 'ai-training', 'on');
    assert.equal(await pill(page, 'ai-training'), 'On');
    assert.equal(await text(page, '#summary'), '0 of 6 essential opt-outs done');
    assert.equal(await text(page, '#count-on'), '1');
    assert.equal(await text(page, '#count-checked'), '1');
    assert.match(await text(page, '#session'), /^Signed in to LinkedIn/);
    assert.doesNotMatch(await text(page, '#session'), /\d{4}-\d\d-\d\dT/, 'the raw timestamp is shown as a friendly date');
    assert.equal(await page.locator('#status').getAttribute('class'), 'status status--on');
    const seen = page.locator('[data-item="ai-training"] .item__meta time');
    const iso = await seen.getAttribute('datetime');
    assert.equal(await seen.getAttribute('title'), iso);
    assert.ok(Date.parse(iso) >= started - 2000 && Date.parse(iso) <= Date.now() + 2000, `last seen ${iso}`);
    assert.doesNotMatch(await seen.textContent(), /T\d\d:/, 'last seen reads as a date, not ISO');
    assert.equal(await page.locator('[data-open="ai-training"]').getAttribute('class'), 'button button--primary');
    assert.equal(await page.locator('[data-item="ads-by-age"]').getAttribute('data-status'), 'unknown');
    const b = await badge();
    assert.equal(b.text, '1');
    assert.match(b.title, /1 setting still lets LinkedIn use your data/);
  });

  test('AI switch then seen off: "Off", 1 of 6 done, the change is shown, badge "!"', async () => {
    await visitAi('?state=off', 'off');
    const page = await openPopup();
    await itemStatus(page, 'ai-training', 'off');
    assert.equal(await pill(page, 'ai-training'), 'Off');
    assert.equal(await text(page, '#summary'), '1 of 6 essential opt-outs done');
    assert.equal(await text(page, '#count-on'), '0');
    assert.match(await text(page, '[data-item="ai-training"] .item__meta'), /Changed from On/);
    await page.locator('[data-item="ai-training"] summary').click();
    assert.match(await text(page, '[data-item="ai-training"] .evidence'), /checked=false/);
    const b = await badge();
    assert.equal(b.text, '!');
    assert.match(b.title, /No setting seen on, but not everything is checked: 1 of 6/);
  });

  test('manual step: Mark done and Undo, and done survives a service-worker restart', async () => {
    const page = await openPopup();
    const mark = page.locator('[data-item="objection-form"] [data-mark]');
    assert.equal(await mark.textContent(), 'Mark done');
    await mark.focus();
    await page.keyboard.press('Enter');
    await itemStatus(page, 'objection-form', 'done');
    assert.equal(await pill(page, 'objection-form'), 'Done');
    assert.match(await text(page, '[data-item="objection-form"] .item__meta'), /^Done \w/);
    assert.ok(await page.locator('[data-item="objection-form"] .item__meta time[datetime]').count() === 1);
    assert.equal(await text(page, '#summary'), '2 of 6 essential opt-outs done');
    // The re-render kept keyboard focus on the same control, now "Undo".
    await page.waitForFunction(() => document.activeElement?.dataset.focus === 'mark:objection-form'
      && document.activeElement.textContent === 'Undo' && !document.activeElement.disabled);

    await page.keyboard.press('Enter');
    await itemStatus(page, 'objection-form', 'todo');
    assert.equal(await text(page, '#summary'), '1 of 6 essential opt-outs done');
    await mark.click();
    await itemStatus(page, 'objection-form', 'done');

    const marker = await restartWorker(page, () => page.reload());
    assert.equal(marker, null, 'the service worker was really restarted (its memory is gone)');
    await page.waitForSelector('#status[aria-busy="false"]');
    await itemStatus(page, 'objection-form', 'done');
    assert.equal(await text(page, '#summary'), '2 of 6 essential opt-outs done');
    assert.equal(await pill(page, 'ai-training'), 'Off');
  });

  test('exports download as JSON, CSV and Markdown files', async () => {
    const page = await openPopup();
    const download = async (format) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export="${format}"]`)]);
      const body = fs.readFileSync(await d.path(), 'utf8');
      await waitText(page, '#tools-result', new RegExp(`Downloading ${d.suggestedFilename().replace('.', '\\.')}`));
      return { name: d.suggestedFilename(), body };
    };

    const json = await download('json');
    assert.match(json.name, /^optout-guard-checklist-\d{4}-\d\d-\d\d\.json$/);
    const doc = JSON.parse(json.body);
    assert.equal(doc.format, 'optout-guard/checklist');
    assert.equal(doc.version, 1);
    assert.equal(doc.region, 'unknown');
    const byId = Object.fromEntries(doc.items.map((i) => [i.id, i]));
    assert.equal(doc.items.length, itemCount);
    assert.equal(byId['ai-training'].status, 'off');
    assert.equal(byId['ai-training'].url, AI_URL);
    assert.ok(Date.parse(byId['ai-training'].last_seen) > 0);
    assert.equal(byId['objection-form'].status, 'done');
    assert.equal(byId['ads-by-age'].status, 'unknown');
    exported = json.body;

    const csv = await download('csv');
    assert.match(csv.name, /\.csv$/);
    const lines = csv.body.trim().split(/\r\n/);
    assert.equal(lines[0], 'id,title,tier,status,last_seen,url');
    assert.equal(lines.length, itemCount + 1);
    assert.match(lines.find((l) => l.startsWith('ai-training,')), /,essential,off,\d{4}-/);

    const md = await download('markdown');
    assert.match(md.name, /\.md$/);
    assert.match(md.body, /^# LinkedIn opt-out checklist/);
    assert.match(md.body, /\*\*2 of 6 essential opt-outs done\.\*\*/);
    assert.equal(await page.locator('#error').isHidden(), true);
  });

  test('a refused import shows why and changes nothing', async () => {
    const page = await openPopup();
    const before = await page.$$eval('[data-item]', (lis) => lis.map((li) => `${li.dataset.item}=${li.dataset.status}`));
    const bad = [
      ['notes.json', 'this is not JSON {', /Could not restore notes\.json: the file is not JSON/],
      ['other.json', JSON.stringify({ format: 'someone-else/list', version: 1, items: [] }), /not an Optout Guard checklist export/],
      ['newer.json', JSON.stringify({ ...JSON.parse(exported), version: 2 }), /export of version 2; this Optout Guard reads version 1/],
    ];
    for (const [name, content, why] of bad) {
      await chooseFile(page, name, content);
      await page.locator('#error').waitFor({ state: 'visible' });
      await waitText(page, '#error-text', why);
      assert.match(await text(page, '#error-text'), /Your checklist was not changed\.$/);
      assert.equal(await page.locator('#error').getAttribute('data-error-name'), 'OptoutImportError');
      await page.click('#error-dismiss');
      await page.locator('#error').waitFor({ state: 'hidden' });
    }
    assert.equal(await page.locator('#tools-result').textContent(), '');
    // Unchanged on screen and in the service worker.
    const reopened = await openPopup();
    assert.deepEqual(await reopened.$$eval('[data-item]', (lis) => lis.map((li) => `${li.dataset.item}=${li.dataset.status}`)), before);
    const reply = await sendFromExtensionPage(h, { type: 'optout-guard/view' });
    assert.equal(reply.view.summary.text, '2 of 6 essential opt-outs done');
  });

  test('a good import restores the checklist and names what it skipped', async () => {
    const page = await openPopup();
    await page.click('[data-item="objection-form"] [data-mark="undo"]');
    await itemStatus(page, 'objection-form', 'todo');
    const doc = JSON.parse(exported);
    doc.items.push({ ...doc.items.find((i) => i.id === 'ads-by-age'), id: 'setting-from-the-future' });
    await chooseFile(page, 'saved.json', JSON.stringify(doc));
    await itemStatus(page, 'objection-form', 'done');
    await waitText(page, '#tools-result', /^Restored your checklist from saved\.json: 2 items with a recorded reading\./);
    assert.match(await text(page, '#tools-result'), /Skipped, because this version does not know them: setting-from-the-future\./);
    assert.equal(await text(page, '#summary'), '2 of 6 essential opt-outs done');
    assert.equal(await pill(page, 'ai-training'), 'Off');
    assert.equal(await page.locator('#error').isHidden(), true);
  });

  test('region EU / EEA: Microsoft ad sharing does not apply, with the reason', async () => {
    const page = await openPopup();
    await page.selectOption('#region', 'eu-eea');
    await itemStatus(page, 'ads-share-affiliates', 'not-applicable');
    assert.equal(await pill(page, 'ads-share-affiliates'), 'Doesn’t apply');
    assert.match(await text(page, '[data-item="ads-share-affiliates"] .item__reason'), /does not apply this in the EU \/ EEA\. It applies in the United States/);
    await itemStatus(page, 'microsoft-withdraw', 'not-applicable');
    assert.equal(await text(page, '#summary'), '2 of 5 essential opt-outs done');
    assert.equal(await page.locator('[data-item="ai-training"] .item__reason').count(), 0);
    const reopened = await openPopup();
    assert.equal(await reopened.locator('#region').inputValue(), 'eu-eea');
    assert.equal(await reopened.locator('#region option:checked').textContent(), 'EU / EEA');
  });

  test('"Open setting" opens exactly the item URL in a new tab (from the keyboard)', async () => {
    const page = await openPopup();
    const link = page.locator('[data-open="ai-training"]');
    assert.equal(await link.getAttribute('href'), AI_URL);
    await link.focus();
    const [tab] = await Promise.all([h.context.waitForEvent('page'), page.keyboard.press('Enter')]);
    await tab.waitForURL(AI_URL);
    assert.equal(tab.url(), AI_URL);
    assert.equal(page.isClosed(), false);
    // The tab is LinkedIn's page, default on: the content script reads it, and the popup follows.
    await tab.waitForSelector(`${AI_SWITCH}[data-optout-guard-state="on"]`);
    await tab.close();
    const again = await openPopup();
    await itemStatus(again, 'ai-training', 'on');
    assert.equal((await badge()).text, '1');
  });

  test('popup screenshots in light and dark mode, and it reflows when narrow or with large text', async () => {
    const page = await openPopup();
    await page.locator('[data-item="ai-training"] summary').click();
    await page.emulateMedia({ colorScheme: 'light' });
    await h.screenshot(page, 'popup-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(dark, 'rgb(255, 255, 255)', 'dark mode changes the background');
    await h.screenshot(page, 'popup-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.setViewportSize({ width: 360, height: 700 });
    assert.equal(await overflow(), 0, 'no horizontal scrolling at 360 px');
    await page.addStyleTag({ content: 'html { font-size: 200%; }' });
    assert.equal(await overflow(), 0, 'no horizontal scrolling with text at 200%');
    await h.screenshot(page, 'popup-large-text');
  });

  test('printable report: the view as a document with a print button', async () => {
    const page = await openPopup();
    const [report] = await Promise.all([h.context.waitForEvent('page'), page.click('#report')]);
    await report.waitForURL(h.extensionUrl('report.html'));
    await report.waitForSelector('#overview[aria-busy="false"]');
    assert.equal(await text(report, 'h1'), 'LinkedIn opt-out checklist');
    assert.equal(await text(report, '#summary'), await text(page, '#summary'));
    assert.match(await text(report, '#meta'), /^Prepared .+ with Optout Guard \d+\.\d+\.\d+\. Region: EU \/ EEA\.$/);
    assert.equal(await report.locator('tbody tr').count(), itemCount);
    const ai = report.locator('tr[data-item="ai-training"]');
    assert.equal(await text(report, 'tr[data-item="ai-training"] .status'), 'On');
    assert.match(await ai.innerText(), /switch found by its id/);
    assert.equal(await ai.locator('a').getAttribute('href'), AI_URL);
    assert.match(await text(report, 'tr[data-item="ads-share-affiliates"]'), /Doesn’t apply.*EU \/ EEA/);
    assert.match(await text(report, '.note'), /does not undo AI training/);
    await report.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; });
    await report.click('#print');
    assert.equal(await report.evaluate(() => window.__printed), 1);
    await report.setViewportSize({ width: 1000, height: 900 });
    await h.screenshot(report, 'report');
    await report.emulateMedia({ colorScheme: 'dark' });
    await h.screenshot(report, 'report-dark');
    await report.emulateMedia({ media: 'print', colorScheme: 'light' });
    assert.equal(await report.locator('#print').isHidden(), true, 'the print button is not printed');
    await h.screenshot(report, 'report-print');
    await report.close();
  });

  test('a corrupt saved checklist: the notice is shown prominently until dismissed', async () => {
    const page = await openPopup();
    // Test setup only: the popup never writes storage; here the saved state is damaged on purpose.
    await h.serviceWorker.evaluate(() => chrome.storage.local.set({ checklist: { schema: 'not a number' } }));
    await restartWorker(page, () => page.reload());
    await page.waitForSelector('#status[aria-busy="false"]');
    await page.locator('#notice').waitFor({ state: 'visible' });
    assert.match(await text(page, '#notice-text'), /could not be read/);
    assert.equal(await text(page, '#summary'), '0 of 6 essential opt-outs done');
    const keys = await h.serviceWorker.evaluate(async () => Object.keys(await chrome.storage.local.get(null)));
    assert.ok(keys.some((k) => k.startsWith('checklist_backup_')), `backup kept: ${keys.join(', ')}`);
    await h.screenshot(page, 'popup-notice-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await h.screenshot(page, 'popup-notice-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.click('#notice-dismiss');
    await page.locator('#notice').waitFor({ state: 'hidden' });
    const reopened = await openPopup();
    assert.equal(await reopened.locator('#notice').isHidden(), true);
  });

  test('the popup and report stayed quiet: no errors, no CSP violations, no network', () => {
    assert.deepEqual(h.extensionErrors(), []);
    assert.deepEqual(h.cspViolations, []);
    const prefix = `chrome-extension://${h.extensionId}/`;
    const fromExtensionPages = h.requests.filter((r) => r.frameUrl?.startsWith(prefix));
    assert.ok(fromExtensionPages.length > 0, 'requests of the extension pages were recorded');
    const outside = fromExtensionPages.filter((r) => !r.url.startsWith(prefix) && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
    assert.deepEqual(outside, []);
  });
});
