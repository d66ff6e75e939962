// Firefox really loads dist/firefox: Debian's firefox-esr (headless, fresh profile) installs it as
// a temporary add-on, and on a LinkedIn look-alike page the content script paints what the
// background script's WASM core reported. A painted state is the positive signal that both ran:
// the content script decides nothing, so without a working background nothing is painted.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { launchFirefox, FIREFOX_BIN, FIREFOX_EXTENSION_DIR, HOST } from './harness.mjs';

const AI = '/mypreferences/d/settings/data-for-ai-improvement';
const AI_SWITCH = 'input[role="switch"][aria-labelledby="allowDataForGenerativeAI"]';
const AI_ITEM = 'ai-training'; // a public catalog id (docs/interfaces.md): ids are never renamed

/** The AI switch's painted item and state, and the page's warnings and banner, as seen now. */
function paintedAi(selector) {
  const el = document.querySelector(selector);
  if (!el) return null;
  const warnings = Array.from(document.querySelectorAll('[data-optout-guard-warning]'),
    (w) => w.getAttribute('data-optout-guard-warning'));
  return {
    item: el.getAttribute('data-optout-guard-item'),
    state: el.getAttribute('data-optout-guard-state'),
    warnings,
    banner: !!document.querySelector('[data-optout-guard-banner]'),
  };
}

function paintedAs(selector, state) {
  const el = document.querySelector(selector);
  if (!el || el.getAttribute('data-optout-guard-state') !== state) return null;
  if (!el.getAttribute('data-optout-guard-item')) return null;
  const warnings = document.querySelectorAll('[data-optout-guard-warning]').length;
  // Both painted together: wait until the warnings match the state as well.
  if ((state === 'on') !== (warnings > 0)) return null;
  return true;
}

const manifest = JSON.parse(fs.readFileSync(path.join(FIREFOX_EXTENSION_DIR, 'manifest.json'), 'utf8'));

describe(`Firefox ESR loads ${path.basename(path.dirname(FIREFOX_EXTENSION_DIR))}/${path.basename(FIREFOX_EXTENSION_DIR)}`, () => {
  let ff;
  let installed;

  before(async () => {
    ff = await launchFirefox();
    installed = await ff.installExtension(FIREFOX_EXTENSION_DIR);
  });
  after(async () => {
    await ff?.close();
  });

  test('the Firefox under test is at least the manifest\'s strict_min_version', () => {
    const out = execFileSync(FIREFOX_BIN, ['--version'], { encoding: 'utf8' });
    const have = Number.parseInt(/(\d+)\.\d+/.exec(out)?.[1] ?? '0', 10);
    const need = Number.parseInt(String(manifest.browser_specific_settings?.gecko?.strict_min_version ?? '0'), 10);
    assert.ok(need >= 121, `strict_min_version ${need}: MV3 background scripts of type module need Firefox 121`);
    assert.ok(have >= need, `${out.trim()} is older than strict_min_version ${need}`);
  });

  test('installs as a temporary add-on under its gecko id', () => {
    assert.equal(installed?.extension, manifest.browser_specific_settings.gecko.id);
  });

  test('the background answers the content script: a switch that is on is painted on, with a warning', async () => {
    const tab = await ff.newTab();
    await ff.navigate(tab, ff.url(AI));
    await ff.waitFor(tab, paintedAs, `${AI_SWITCH} painted "on" with a warning`, AI_SWITCH, 'on');
    const seen = await ff.evaluate(tab, paintedAi, AI_SWITCH);
    assert.equal(seen.state, 'on');
    assert.equal(seen.item, AI_ITEM);
    assert.deepEqual(seen.warnings, [AI_ITEM], 'exactly one warning, for the switch that is on');
    assert.ok(seen.banner, 'the banner is painted');

    // The page's own toggle re-renders the row: the rescan must paint the new switch off.
    await ff.evaluate(tab, (sel) => { document.querySelector(sel).click(); return true; }, AI_SWITCH);
    await ff.waitFor(tab, paintedAs, `${AI_SWITCH} painted "off" after the click`, AI_SWITCH, 'off');
    const after = await ff.evaluate(tab, paintedAi, AI_SWITCH);
    assert.equal(after.item, AI_ITEM);
    assert.deepEqual(after.warnings, []);
  });

  test('a page that shows the switch off is painted off, with no warning', async () => {
    const tab = await ff.newTab();
    await ff.navigate(tab, ff.url(`${AI}?state=off`));
    await ff.waitFor(tab, paintedAs, `${AI_SWITCH} painted "off"`, AI_SWITCH, 'off');
    const seen = await ff.evaluate(tab, paintedAi, AI_SWITCH);
    assert.equal(seen.item, AI_ITEM);
    assert.deepEqual(seen.warnings, []);
    assert.ok(seen.banner);
  });

  test('Firefox reached nothing but the fixture site, and the add-on reported no problem', () => {
    const elsewhere = ff.proxy.attempts.filter((a) => !a.allowed).map((a) => a.target);
    assert.deepEqual(elsewhere, [], 'Firefox tried to reach other hosts (a pref in harness.mjs is missing?)');
    assert.ok(ff.proxy.attempts.some((a) => a.target === `${HOST}:443`));
    const paths = ff.server.requests.map((r) => r.path);
    const unexpected = paths.filter((p) => !/^\/(mypreferences\/|static\/|favicon\.ico)/.test(p));
    assert.deepEqual(unexpected, [], 'requests the pages did not make themselves (the add-on must make none)');

    // Firefox prints manifest problems and the add-on's own console warnings to its output.
    const problems = ff.output().split('\n').filter((l) => /Reading manifest|Optout Guard|moz-extension:\/\//.test(l));
    assert.deepEqual(problems, []);
  });
});
