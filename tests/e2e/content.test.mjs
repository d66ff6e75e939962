// The content script against the fixture site, with the built extension loaded in Chromium.
// Assertions are on the DOM contract the content script paints:
//   switch element: data-optout-guard-item="<catalog id>", data-optout-guard-state="on|off|unknown|unrecognised"
//   warning host:   data-optout-guard-warning="<catalog id>" (exactly one per item that is on)
//   banner host:    data-optout-guard-banner
//   overview link:  data-optout-guard-link="<catalog id>" with data-optout-guard-state
// Every wait is for a condition, never for time.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, catalogByPath, sendFromExtensionPage, bannerText, countDeep, ORIGIN } from './harness.mjs';
import { CSP } from '../server/serve.mjs';

const S = '/mypreferences/d/settings/';
const AI = `${S}data-for-ai-improvement`;
const AI_SWITCH = 'input[role="switch"][aria-labelledby="allowDataForGenerativeAI"]';
const UNKNOWN_SWITCH = 'input[role="switch"][aria-labelledby="allowProfileDiscoveryExperiment"]';
const FIRST_SWITCH = 'input[role="switch"]:not([aria-labelledby="allowProfileDiscoveryExperiment"])';

/** Waits until the element matching `selector` is painted with `state` (and `item`, if given). */
async function painted(page, selector, state, item) {
  try {
    await page.waitForFunction(([sel, st, it]) => {
      const el = document.querySelector(sel);
      return !!el && el.getAttribute('data-optout-guard-state') === st
        && (it === undefined || el.getAttribute('data-optout-guard-item') === it);
    }, [selector, state, item]);
  } catch (err) {
    // Say what is there instead, so a failure report names the wrong state or item.
    const seen = await page.evaluate((sel) => {
      const el = document.querySelector(sel);
      return el ? { state: el.getAttribute('data-optout-guard-state'), item: el.getAttribute('data-optout-guard-item') } : 'no such element';
    }, selector).catch(() => 'page gone');
    throw new Error(`${page.url()}: ${selector} never became state=${state} item=${item ?? '*'}; it is ${JSON.stringify(seen)} (${err.message.split('\n')[0]})`);
  }
}

function warnings(page, item) {
  return countDeep(page, item ? `[data-optout-guard-warning="${item}"]` : '[data-optout-guard-warning]');
}

/** Waits until the number of warning hosts (for `item`, or all) is exactly `n`. */
function warningCount(page, n, item) {
  const sel = item ? `[data-optout-guard-warning="${item}"]` : '[data-optout-guard-warning]';
  return page.waitForFunction(([s, want]) => document.querySelectorAll(s).length === want, [sel, n]);
}

/** The numbers in the banner's text, once a banner with text is there. */
async function bannerNumbers(page) {
  await page.waitForFunction(() => {
    const host = document.querySelector('[data-optout-guard-banner]');
    return !!host && /\S/.test((host.shadowRoot || host).textContent);
  });
  const text = await bannerText(page);
  return { text, numbers: (text.match(/\d+/g) || []).map(Number) };
}

async function itemAttributes(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('[data-optout-guard-item]'),
    (el) => el.getAttribute('data-optout-guard-item')));
}

describe('content script on LinkedIn-like pages', () => {
  let h;
  let catalog; // path -> catalog id, from the extension's own checklist view
  let page;

  before(async () => {
    h = await launch();
    catalog = await catalogByPath(h);
  });
  after(async () => {
    await page?.close().catch(() => {});
    await h?.close();
  });

  const idFor = (path) => {
    const id = catalog.get(path);
    assert.ok(id, `the extension's catalog has no item for ${path} (catalog: ${[...catalog.keys()].join(', ')})`);
    return id;
  };

  test('the catalog knows the AI training setting as ai-training', () => {
    assert.equal(catalog.get(AI), 'ai-training');
  });

  test('AI switch on: highlighted, one warning, banner counts 1, under the strict CSP', async () => {
    page = await h.newPage();
    const res = await page.goto(h.url(AI));
    assert.equal(res.headers()['content-security-policy'], CSP);
    assert.equal(res.headers()['x-frame-options'], 'sameorigin');
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await warningCount(page, 1, 'ai-training');
    assert.equal(await warnings(page), 1, 'exactly one warning on the page');
    const { text, numbers } = await bannerNumbers(page);
    assert.ok(numbers.includes(1), `banner should count 1 setting on: "${text}"`);
    assert.ok(numbers.every((n) => n <= 1), `banner counts more than there is: "${text}"`);
    assert.equal(await page.locator('[data-optout-guard-banner]').count(), 1);
    const box = await page.locator('[data-optout-guard-warning="ai-training"]').boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0, 'the warning is rendered visibly');
    // On the setting's own page the warning needs no link to that page.
    const visibleLinks = await page.locator('[data-optout-guard-warning="ai-training"]').evaluate((host) =>
      [...host.shadowRoot.querySelectorAll('a[href]')].filter((a) => a.getClientRects().length > 0).length);
    assert.equal(visibleLinks, 0, 'no link to the page the member is already on');
    await h.screenshot(page, 'content-ai-on');
    assert.deepEqual(h.cspViolations, [], 'the extension caused CSP violations');
    assert.deepEqual(h.extensionErrors(), []);
    await page.close();
  });

  test('AI switch off: state off, no warning', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?state=off`));
    await painted(page, AI_SWITCH, 'off', 'ai-training');
    assert.equal(await warnings(page), 0);
    await h.screenshot(page, 'content-ai-off');
    await page.close();
  });

  test('late render: the switch is read once the page renders it', async () => {
    page = await h.newPage();
    // Well after document_idle, so a single scan at load time would see only the skeleton.
    await page.goto(h.url(`${AI}?delay=1500`));
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await warningCount(page, 1, 'ai-training');
    assert.equal(await warnings(page), 1);
    await h.screenshot(page, 'content-ai-late-render');
    await page.close();
  });

  test('member turns the switch off (the page re-renders the row): warning goes away', async (t) => {
    page = await h.newPage();
    await page.goto(h.url(AI));
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await warningCount(page, 1, 'ai-training');

    const started = Date.now();
    await page.locator(AI_SWITCH).click();
    await page.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      return !!el && el.getAttribute('aria-checked') === 'false'
        && el.getAttribute('data-optout-guard-state') === 'off'
        && document.querySelectorAll('[data-optout-guard-warning]').length === 0;
    }, AI_SWITCH);
    t.diagnostic(`warning gone ${Date.now() - started} ms after the click`);
    assert.equal(await page.locator(AI_SWITCH).getAttribute('data-optout-guard-item'), 'ai-training');
    await h.screenshot(page, 'content-ai-clicked-off');

    // And back on: exactly one warning again, not a second one next to a stale one.
    await page.locator(AI_SWITCH).click();
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await warningCount(page, 1, 'ai-training');
    assert.equal(await warnings(page), 1);
    await page.close();
  });

  test('pushState navigation via the left nav: correct item, no stale AI warning', async () => {
    const beyond = `${S}ads-beyond-linkedin`;
    const beyondId = idFor(beyond);
    page = await h.newPage();
    await page.goto(h.url(AI));
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await warningCount(page, 1, 'ai-training');
    await page.evaluate(() => { window.__sameDocument = true; });

    await page.locator('a.settings-nav__link--ads').click();
    await page.locator('h1', { hasText: 'Advertising data' }).waitFor();
    // The overview is read: its deep links appear, and nothing of the AI page is left.
    await page.waitForFunction(() => document.querySelectorAll('[data-optout-guard-link]').length > 0);
    await warningCount(page, 0);
    assert.deepEqual(await itemAttributes(page), []);

    await page.locator(`a.settings-row[href="${beyond}"]`).click();
    const beyondSwitch = 'input[role="switch"][aria-labelledby="allowLinkedInAudienceNetwork"]';
    await painted(page, beyondSwitch, 'on', beyondId);
    await warningCount(page, 1, beyondId);
    assert.equal(await warnings(page, 'ai-training'), 0, 'stale AI warning after navigation');
    assert.equal(await warnings(page), 1);
    assert.deepEqual(await itemAttributes(page), [beyondId]);
    const { text, numbers } = await bannerNumbers(page);
    assert.ok(numbers.includes(1) && numbers.every((n) => n <= 1), `banner: "${text}"`);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the navigation reloaded the page');
    await h.screenshot(page, 'content-pushstate-ads-beyond');
    await page.close();
  });

  test('every modelled setting page: its switch is recognised as its catalog item', async () => {
    const pages = [
      ['data-for-ai-improvement', 'allowDataForGenerativeAI'],
      ['share-data-with-select-partners', 'shareDataWithTrustedPartners'],
      ['ads-beyond-linkedin', 'allowLinkedInAudienceNetwork'],
      ['ads-interactions-with-business', 'allowUseOfThirdPartyData'],
      ['ads-related-actions', 'allowConversionTrackings'],
      ['policy-and-academic-research', 'allowAnonymizedDataResearch'],
      ['ads-by-age', 'allowAdsByAge'],
      ['ads-by-gender', 'allowAdsByGender'],
      ['ads-inferred-location', 'allowIpToPersonalizeAds'],
      ['linkedin-promotions', 'allowProfileAndActivityDataForMarketingAds'],
    ].map(([slug, id]) => [`${S}${slug}`, `input[role="switch"][aria-labelledby="${id}"]`, id]);
    pages.push(['/mypreferences/d/interest-categories', 'input[role="switch"][aria-labelledby="adsPrivacyAllowInterestsAndBehaviors"]', 'adsPrivacyAllowInterestsAndBehaviors']);
    pages.push(['/mypreferences/d/member-cookies', 'input#nonEssentialCookieConsent', 'nonEssentialCookieConsent']);
    page = await h.newPage();
    for (const [path, selector, switchId] of pages) {
      const id = idFor(path);
      await page.goto(h.url(`${path}?states=${switchId}:off`));
      await painted(page, selector, 'off', id);
      assert.equal(await warnings(page), 0, path);
      await page.goto(h.url(path));
      await painted(page, selector, 'on', id);
      await warningCount(page, 1, id);
      assert.equal(await warnings(page), 1, path);
      assert.deepEqual(await itemAttributes(page), [id], path);
    }
    await h.screenshot(page, 'content-member-cookies-on');
    await page.close();
  });

  test('legacy /psettings page: deep links for the settings it lists', async () => {
    page = await h.newPage();
    await page.goto(h.url('/psettings/privacy?states=data-for-ai-improvement:off'));
    await page.locator('h1', { hasText: 'Privacy' }).waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-optout-guard-link="ai-training"]');
      return !!el && el.getAttribute('data-optout-guard-state') === 'off';
    });
    const partners = idFor(`${S}share-data-with-select-partners`);
    await page.waitForFunction((id) => document.querySelector(`[data-optout-guard-link="${id}"]`)
      ?.getAttribute('data-optout-guard-state') === 'on', partners);
    await h.screenshot(page, 'content-psettings');
    await page.close();
  });

  test('Data privacy overview: one deep link per catalog setting, with its state', async () => {
    page = await h.newPage();
    await page.goto(h.url('/mypreferences/d/categories/privacy?states=data-for-ai-improvement:off,policy-and-academic-research:none'));
    await page.locator('h1', { hasText: 'Data privacy' }).waitFor();
    const rows = await page.locator('a.settings-row').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    const expected = rows.filter((p) => catalog.has(p)).map((p) => ({
      id: catalog.get(p),
      path: p,
      state: p === AI ? 'off' : p === `${S}policy-and-academic-research` ? 'unknown' : 'on',
    }));
    assert.ok(expected.length >= 3, `expected several catalog rows on the privacy overview, got ${JSON.stringify(expected)}`);
    assert.ok(expected.some((e) => e.id === 'ai-training'));
    await page.waitForFunction((n) => document.querySelectorAll('[data-optout-guard-link]').length === n, expected.length);
    await page.waitForFunction((want) => want.every((e) => {
      const els = document.querySelectorAll(`[data-optout-guard-link="${e.id}"]`);
      return els.length === 1 && els[0].getAttribute('data-optout-guard-state') === e.state;
    }), expected);
    for (const e of expected) {
      const href = await page.evaluate((id) => {
        const host = document.querySelector(`[data-optout-guard-link="${id}"]`);
        const a = host.matches('a[href]') ? host : (host.shadowRoot || host).querySelector('a[href]');
        return a ? a.href : null;
      }, e.id);
      assert.ok(href, `deep link for ${e.id} has no href`);
      assert.equal(new URL(href).origin, ORIGIN, `deep link for ${e.id}`);
      assert.equal(new URL(href).pathname.replace(/\/+$/, ''), e.path, `deep link for ${e.id}`);
    }
    assert.equal(await warnings(page), 0, 'overview links are not switches: no switch warnings');
    await h.screenshot(page, 'content-overview-privacy');
    await page.close();
  });

  test('Advertising data overview in German with everything off: every deep link is off', async () => {
    page = await h.newPage();
    await page.goto(h.url('/mypreferences/d/categories/ads?lang=de&state=off'));
    await page.locator('h1', { hasText: 'Werbedaten' }).waitFor();
    const rows = await page.locator('a.settings-row').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    const ids = rows.filter((p) => catalog.has(p)).map((p) => catalog.get(p));
    assert.ok(ids.length >= 5, `catalog rows on the ads overview: ${ids}`);
    await page.waitForFunction((want) => want.every((id) => {
      const els = document.querySelectorAll(`[data-optout-guard-link="${id}"]`);
      return els.length === 1 && els[0].getAttribute('data-optout-guard-state') === 'off';
    }), ids);
    assert.equal(await page.locator('[data-optout-guard-link]').count(), ids.length);
    await h.screenshot(page, 'content-overview-ads-de-off');
    await page.close();
  });

  test('a switch in no catalog is marked unrecognised, without an item', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?unknown=1`));
    await painted(page, UNKNOWN_SWITCH, 'unrecognised');
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    assert.equal(await page.locator(UNKNOWN_SWITCH).getAttribute('data-optout-guard-item'), null);
    await warningCount(page, 1, 'ai-training');
    assert.equal(await warnings(page), 1, 'an unrecognised switch gets no "still on" warning');
    await h.screenshot(page, 'content-unknown-switch');
    await page.close();
  });

  test('two unlabeled switches on a setting page: neither is claimed as that setting', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?two=1`));
    await page.waitForFunction(() => {
      const s = document.querySelectorAll('input[role="switch"]');
      return s.length === 2 && [...s].every((el) => el.getAttribute('data-optout-guard-state') === 'unrecognised');
    });
    assert.deepEqual(await itemAttributes(page), []);
    assert.equal(await warnings(page), 0);
    await h.screenshot(page, 'content-two-unlabeled');
    await page.close();
  });

  test('German page, unfamiliar label id: the German label identifies ai-training', async () => {
    page = await h.newPage();
    // Two switches on the page, and the AI one labelled by an ember id: only its label text can
    // tell which setting it is.
    await page.goto(h.url(`${AI}?lang=de&ids=ember&unknown=1`));
    await page.locator(FIRST_SWITCH).waitFor();
    assert.match(await page.locator(FIRST_SWITCH).getAttribute('aria-labelledby'), /^ember\d+$/);
    await painted(page, FIRST_SWITCH, 'on', 'ai-training');
    await painted(page, UNKNOWN_SWITCH, 'unrecognised');
    await warningCount(page, 1, 'ai-training');
    await h.screenshot(page, 'content-de-label-fallback');

    await page.goto(h.url(`${AI}?lang=de&ids=ember&state=off`));
    await painted(page, FIRST_SWITCH, 'off', 'ai-training');
    assert.equal(await warnings(page), 0);
    await page.close();
  });

  test('French page: known switch id and French label fallback both give ai-training', async () => {
    page = await h.newPage();
    await page.goto(h.url(`${AI}?lang=fr`));
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await warningCount(page, 1, 'ai-training');
    await page.goto(h.url(`${AI}?lang=fr&ids=ember&unknown=1&state=off`));
    await painted(page, FIRST_SWITCH, 'off', 'ai-training');
    await painted(page, UNKNOWN_SWITCH, 'unrecognised');
    assert.equal(await warnings(page), 0);
    await h.screenshot(page, 'content-fr-label-fallback-off');
    await page.close();
  });

  /** Loads a sign-in wall and checks that nothing on it was claimed or warned about. */
  async function checkSignInWall(wall, shot) {
    // A signed-in page first, so the session change below is this page's doing.
    await page.goto(h.url(AI));
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await page.goto(h.url(wall));
    await page.locator('input[name=session_key]').waitFor();
    // The content script has read this page once the worker records the signed-out session.
    const deadline = Date.now() + 15000;
    let session;
    do {
      session = (await sendFromExtensionPage(h, { type: 'optout-guard/view' }))?.view?.session?.state;
    } while (session !== 'signed-out' && Date.now() < deadline);
    // Let any paint that follows the reply land before checking that nothing was painted.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await h.screenshot(page, shot);
    assert.equal(session, 'signed-out', `the sign-in wall at ${wall} was not reported as signed out`);
    assert.deepEqual(await itemAttributes(page), [], wall);
    assert.equal(await warnings(page), 0, wall);
    assert.equal(await page.locator('[data-optout-guard-state]').count(), 0, `${wall}: sign-in form controls were marked`);
    assert.equal(await page.locator('[data-optout-guard-link]').count(), 0, wall);
  }

  test('sign-in wall (/login, and the /authwall redirect): nothing claimed, no warning', async () => {
    page = await h.newPage();
    await checkSignInWall('/login', 'content-sign-in-wall');
    await checkSignInWall(`${AI}?signedout=1`, 'content-sign-in-wall-authwall');
    assert.match(new URL(page.url()).pathname, /^\/authwall/);
    await page.close();
  });

  test('sign-in wall shown in place at a settings URL (with its "Keep me logged in" checkbox)', async () => {
    page = await h.newPage();
    await checkSignInWall(`${AI}?wall=1`, 'content-sign-in-wall-in-place');
    await page.close();
  });

  test('the extension makes no network requests of its own', async () => {
    page = await h.newPage();
    await page.goto(h.url(AI));
    await painted(page, AI_SWITCH, 'on', 'ai-training');
    await page.locator(AI_SWITCH).click();
    await painted(page, AI_SWITCH, 'off', 'ai-training');
    await page.goto(h.url('/mypreferences/d/categories/ads'));
    await page.waitForFunction(() => document.querySelectorAll('[data-optout-guard-link]').length > 0);
    await page.close();

    // Everything this browser asked for during the whole file.
    const fixturePath = /^\/(mypreferences|psettings|login|authwall|static\/|favicon\.ico)/;
    const pageTypes = new Set(['document', 'script', 'stylesheet', 'image', 'other']);
    const bad = h.requests.filter((r) => {
      const u = new URL(r.url);
      if (u.protocol === 'chrome-extension:') return u.host !== h.extensionId;
      if (u.protocol === 'data:') return false;
      if (r.fromServiceWorker) return true;
      return !(u.origin === ORIGIN && fixturePath.test(u.pathname) && pageTypes.has(r.resourceType));
    });
    assert.deepEqual(bad, [], 'requests not made by the fixture pages themselves');
    const known = /^\/(mypreferences|psettings|login|authwall|static\/|favicon\.ico)/;
    assert.deepEqual(h.server.requests.filter((r) => !known.test(r.path)), [], 'unexpected requests reached the server');
    assert.ok(h.requests.length > 10, 'the request log is empty: the check above would prove nothing');
  });

  test('no errors from the extension and no CSP violations on any page', () => {
    assert.deepEqual(h.cspViolations, []);
    assert.deepEqual(h.extensionErrors(), []);
    assert.deepEqual(h.errors, [], 'the fixture pages log no errors of their own, so any error here is new');
  });
});
