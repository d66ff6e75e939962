// Optout Guard content script: reads LinkedIn's settings pages into a snapshot
// (docs/interfaces.md §1), sends it to the service worker and paints the report it gets back (§2).
// It decides nothing: which switch is which setting, and its state, come from the core.
// A classic script, not a module: content scripts cannot be ES modules.
(() => {
  'use strict';

  const api = globalThis.browser ?? globalThis.chrome;
  if (!api?.runtime?.id || globalThis.__optoutGuardContent) return;
  globalThis.__optoutGuardContent = true;

  const SCAN = 'optout-guard/scan';
  const UI_ATTR = 'data-optout-guard-ui';
  const ITEM_ATTR = 'data-optout-guard-item';
  const STATE_ATTR = 'data-optout-guard-state';
  const ROW_ATTR = 'data-optout-guard-row';
  const WARNING_ATTR = 'data-optout-guard-warning';
  const BANNER_ATTR = 'data-optout-guard-banner';
  const LINK_ATTR = 'data-optout-guard-link';
  const MARKER_ATTR = 'data-optout-guard-marker';
  const NOTICE_ATTR = 'data-optout-guard-notice';
  const CONTROL_SELECTOR = 'input[type=checkbox], [role=switch], [role=checkbox], [aria-checked]';
  const SETTINGS_PATH = /^\/(?:mypreferences|psettings)\//;
  const MAX_TEXT = 500;
  const REPLY_TIMEOUT_MS = 15000;
  // Attributes that can change what a snapshot would contain. Our own data-optout-guard-*
  // writes are not listed, so they never wake the observer.
  const WATCHED_ATTRIBUTES = [
    'aria-checked', 'checked', 'disabled', 'aria-disabled', 'aria-label', 'aria-labelledby',
    'aria-describedby', 'role', 'type', 'id', 'for', 'href', 'name', 'lang', 'hidden',
  ];
  const SWITCH_STATES = new Set(['on', 'off', 'unknown', 'unrecognised']);
  const LINK_STATES = new Set(['on', 'off', 'unknown']);

  // ---------------------------------------------------------------------------------------
  // Reading

  const SKIP_TEXT_IN = new Set(['script', 'style', 'template', 'noscript', 'svg']);
  const INLINE = new Set([
    'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd',
    'label', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u',
    'var', 'wbr',
  ]);

  function clip(text) {
    let t = text.replace(/\s+/g, ' ').trim();
    if (t.length > MAX_TEXT) {
      t = t.slice(0, MAX_TEXT);
      // Never leave half of a surrogate pair at the cut.
      if (/[\uD800-\uDBFF]$/.test(t)) t = t.slice(0, -1);
      t = t.trimEnd();
    }
    return t;
  }

  const orNull = (text) => (text ? text : null);

  function isOurs(node) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return !!el?.closest(`[${UI_ATTR}]`);
  }

  /** Visible-language text of a subtree; block elements separate words, inline ones don't. */
  function textOf(root) {
    const parts = [];
    const walk = (node) => {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          parts.push(child.data);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          const name = child.localName;
          if (SKIP_TEXT_IN.has(name) || child.hasAttribute(UI_ATTR)) continue;
          const block = !INLINE.has(name);
          if (block) parts.push(' ');
          walk(child);
          if (block) parts.push(' ');
        }
      }
    };
    walk(root);
    return clip(parts.join(''));
  }

  /** The non-blank text nodes of a subtree, each clipped, in document order. */
  function textChunks(root) {
    const chunks = [];
    const walk = (node) => {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          const t = clip(child.data);
          if (t) chunks.push(t);
        } else if (child.nodeType === Node.ELEMENT_NODE) {
          if (SKIP_TEXT_IN.has(child.localName) || child.hasAttribute(UI_ATTR)) continue;
          walk(child);
        }
      }
    };
    walk(root);
    return chunks;
  }

  function elementsById(idList) {
    const found = [];
    for (const id of (idList ?? '').split(/\s+/)) {
      const el = id ? document.getElementById(id) : null;
      if (el) found.push(el);
    }
    return found;
  }

  function textOfIds(idList) {
    return clip(elementsById(idList).map(textOf).join(' '));
  }

  function labelOf(el) {
    const byIds = textOfIds(el.getAttribute('aria-labelledby'));
    if (byIds) return byIds;
    const aria = clip(el.getAttribute('aria-label') ?? '');
    if (aria) return aria;
    const labels = el.labels?.length ? Array.from(el.labels) : [el.closest('label')].filter(Boolean);
    return orNull(clip(labels.map(textOf).join(' ')));
  }

  function describeControl(el) {
    const isInput = el.localName === 'input';
    const type = isInput ? el.type : el.getAttribute('type');
    return {
      tag: el.localName,
      type: orNull(type),
      role: el.getAttribute('role'),
      id: orNull(el.id),
      aria_labelledby: el.getAttribute('aria-labelledby'),
      label: labelOf(el),
      description: orNull(textOfIds(el.getAttribute('aria-describedby'))),
      checked: isInput && el.type === 'checkbox' ? el.checked : null,
      aria_checked: el.getAttribute('aria-checked'),
      disabled: el.disabled === true || el.getAttribute('aria-disabled') === 'true',
    };
  }

  // A state word is a word or three ("On", "Aus", "Connections only"), never a setting's title.
  const isShortText = (t) => t.length <= 32 && t.split(' ').length <= 4;

  function describeLink(a, href) {
    const chunks = textChunks(a);
    let stateText = null;
    if (chunks.length >= 2 && isShortText(chunks[chunks.length - 1])) stateText = chunks.pop();
    return { href, text: clip(chunks.join(' ')), state_text: stateText };
  }

  function settingsHref(a) {
    let url;
    try {
      url = new URL(a.href);
    } catch {
      return null;
    }
    return url.protocol === 'https:' && url.hostname === 'www.linkedin.com' && SETTINGS_PATH.test(url.pathname)
      ? url.href
      : null;
  }

  /** One pass over the DOM, no writes: the snapshot plus the elements its indices refer to. */
  function readPage() {
    const controlEls = [];
    for (const el of document.querySelectorAll(CONTROL_SELECTOR)) {
      if (!isOurs(el)) controlEls.push(el);
    }
    const linkEls = [];
    const links = [];
    for (const a of document.querySelectorAll('a[href]')) {
      const href = settingsHref(a);
      if (!href || isOurs(a)) continue;
      linkEls.push(a);
      links.push(describeLink(a, href));
    }
    const snapshot = {
      url: location.href,
      lang: orNull(document.documentElement.getAttribute('lang')?.trim()),
      login_form: !!document.querySelector('input[name=session_key], input[type=password]'),
      controls: controlEls.map(describeControl),
      links,
    };
    return { snapshot, controlEls, linkEls };
  }

  // ---------------------------------------------------------------------------------------
  // Where to put things

  function commonAncestor(a, b) {
    const seen = new Set();
    for (let n = a; n; n = n.parentElement) seen.add(n);
    for (let n = b; n; n = n.parentElement) if (seen.has(n)) return n;
    return null;
  }

  const TOO_WIDE = new Set(['html', 'body', 'main', 'form']);

  /**
   * The element that holds one switch together with its label and description: the warning goes
   * after it. It never contains another switch, and never sits inside a label, link or button
   * (a click on our warning there would flip the switch or follow the link).
   */
  function rowFor(el, controlEls) {
    const holdsOther = (anc) =>
      controlEls.some((c) => c !== el && anc.contains(c) && !el.contains(c) && !c.contains(el));
    const chain = [];
    for (let n = el.parentElement; n && !TOO_WIDE.has(n.localName); n = n.parentElement) {
      if (holdsOther(n)) break;
      chain.push(n);
    }
    if (chain.length === 0) return el;
    const refs = [
      ...elementsById(el.getAttribute('aria-labelledby')),
      ...elementsById(el.getAttribute('aria-describedby')),
      ...(el.labels ? Array.from(el.labels) : []),
    ];
    // Without a label element to go by, the switch's grandparent is usually its row.
    let row = refs.length ? chain[0] : chain[Math.min(1, chain.length - 1)];
    for (const ref of refs) {
      const common = commonAncestor(el, ref);
      const at = chain.indexOf(common);
      if (at >= 0 && chain.indexOf(row) < at) row = common;
      else if (at < 0 && common && common.contains(chain[chain.length - 1])) row = chain[chain.length - 1];
    }
    const interactive = row.closest('label, a, button, summary');
    return interactive && !TOO_WIDE.has(interactive.localName) ? interactive : row;
  }

  /**
   * Puts `host` right after `row` (at the end of it when the row is a list item or cell), after
   * whatever this paint already put there, so hosts sharing a row keep a stable order.
   */
  function placeAfter(row, host, placed) {
    const prev = placed.get(row);
    placed.set(row, host);
    if (prev) {
      if (prev.parentNode && prev.nextSibling !== host) prev.after(host);
    } else if (/^(li|td|th|dd|dt)$/.test(row.localName)) {
      if (row.lastChild !== host) row.append(host);
    } else if (row.parentNode && row.nextSibling !== host) {
      row.after(host);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Our UI: every host has UI_ATTR and an open shadow root with its own styles, so neither the
  // page's CSS nor ours leaks across. Text is set with textContent only.

  const HOST_STYLE = 'all: initial !important; display: block !important; margin: 8px 0 !important;';
  const INLINE_HOST_STYLE =
    'all: initial !important; display: inline-block !important; margin: 2px 0 8px 16px !important; vertical-align: middle !important;';

  const BASE_CSS = `
    /* The host is reset with all:initial, so fonts and colours are set here on our own root. */
    .root { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
            color: #1b1b1b; text-align: start; }
    * { box-sizing: border-box; }
    .eyebrow { display: block; font-size: 11px; font-weight: 700; letter-spacing: .06em;
               text-transform: uppercase; color: #5a5a5a; margin: 0 0 2px; }
    a { color: #0b4f9c; font-weight: 600; text-decoration: underline; }
    a:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; border-radius: 2px; }
    [hidden] { display: none !important; }
  `;

  const WARNING_CSS = `${BASE_CSS}
    .box { border: 2px solid #b3261e; border-left-width: 8px; border-radius: 8px;
           background: #fdf0ef; padding: 10px 14px; max-width: 720px; }
    h2 { font-size: 16px; line-height: 1.3; margin: 0 0 4px; color: #8c1d18;
         display: flex; align-items: center; gap: 8px; }
    .icon { flex: none; display: inline-grid; place-items: center; width: 22px; height: 22px;
            border-radius: 50%; background: #b3261e; color: #fff; font-size: 14px; font-weight: 800; }
    .title { font-weight: 600; margin: 0 0 4px; }
    p { margin: 0 0 6px; }
    p:last-child { margin-bottom: 0; }
  `;

  const BANNER_CSS = `${BASE_CSS}
    .box { border-radius: 10px; padding: 12px 16px; border: 2px solid; border-left-width: 8px;
           display: flex; gap: 12px; align-items: flex-start; }
    .box.on { background: #fdf0ef; border-color: #b3261e; }
    .box.unsure { background: #fff6df; border-color: #a86b00; }
    .box.off { background: #eaf6ec; border-color: #2e7d32; }
    .box.neutral { background: #eef3fb; border-color: #3d5a99; }
    .icon { flex: none; display: inline-grid; place-items: center; width: 28px; height: 28px;
            border-radius: 50%; color: #fff; font-size: 17px; font-weight: 800; }
    .on .icon { background: #b3261e; } .unsure .icon { background: #a86b00; } .off .icon { background: #2e7d32; }
    .neutral .icon { background: #3d5a99; }
    .text { font-size: 15px; font-weight: 650; margin: 0; }
    .message { margin: 4px 0 0; }
    ul { list-style: none; display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 0; padding: 0; }
    li { border-radius: 999px; padding: 1px 10px; font-size: 13px; font-weight: 600;
         background: #fff; border: 1px solid #c9c9c9; }
    li.on { border-color: #b3261e; color: #8c1d18; }
    li.off { border-color: #2e7d32; color: #1e5a22; }
    li.unknown, li.unrecognised { border-color: #a86b00; color: #6b4400; }
  `;

  const LINK_CSS = `${BASE_CSS}
    a { display: inline-block; border-radius: 999px; padding: 2px 10px; font-size: 13px;
        text-decoration: none; border: 1.5px solid; white-space: nowrap; }
    a:hover { text-decoration: underline; }
    .on { background: #b3261e; border-color: #b3261e; color: #fff; }
    .off { background: #eaf6ec; border-color: #2e7d32; color: #1e5a22; }
    .unknown { background: #fff6df; border-color: #a86b00; color: #6b4400; }
  `;

  const MARKER_CSS = `${BASE_CSS}
    .box { display: inline-block; border: 1px dashed #7a7a7a; border-radius: 6px;
           padding: 3px 10px; font-size: 13px; color: #3d3d3d; background: #f6f6f6; }
  `;

  const parts = new WeakMap(); // host -> named nodes inside its shadow root

  function h(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
  }

  function makeHost(tag, hostStyle, css, build) {
    const host = document.createElement(tag);
    host.setAttribute(UI_ATTR, '');
    host.style.cssText = hostStyle;
    const root = host.attachShadow({ mode: 'open' });
    const named = build();
    named.root.classList.add('root');
    root.append(h('style', { text: css }), named.root);
    parts.set(host, named);
    return host;
  }

  /** Writes only what differs, so an unchanged repaint touches nothing. */
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }
  function setAttr(node, name, value) {
    if (value === null || value === undefined) {
      if (node.hasAttribute(name)) node.removeAttribute(name);
    } else if (node.getAttribute(name) !== value) {
      node.setAttribute(name, value);
    }
  }

  function newWarning() {
    return makeHost('optout-guard-warning', HOST_STYLE, WARNING_CSS, () => {
      const heading = h('h2', {}, [h('span', { class: 'icon', 'aria-hidden': 'true', text: '!' }),
        h('span', { text: 'This setting is still on' })]);
      const title = h('p', { class: 'title' });
      const text = h('p');
      const link = h('a');
      const linkLine = h('p', {}, [link]);
      const root = h('section', { class: 'box', role: 'note' }, [
        h('span', { class: 'eyebrow', text: 'Optout Guard' }), heading, title, text, linkLine,
      ]);
      return { root, title, text, link, linkLine };
    });
  }

  /** `onItsPage`: the core found this page to be the item's own page, so no link to it. */
  function fillWarning(host, id, warning, onItsPage) {
    const p = parts.get(host);
    setAttr(host, WARNING_ATTR, id);
    setAttr(p.root, 'aria-label', `Optout Guard: ${warning.title ?? 'this setting'} is still on`);
    setText(p.title, warning.title ?? '');
    p.title.hidden = !warning.title;
    setText(p.text, warning.text ?? '');
    const showLink = typeof warning.url === 'string' && warning.url && !onItsPage;
    p.linkLine.hidden = !showLink;
    if (showLink) {
      setAttr(p.link, 'href', warning.url);
      setText(p.link, `Open the page for “${warning.title ?? 'this setting'}” to turn it off →`);
    }
  }

  const BANNER_HOST_STYLE = `${HOST_STYLE} margin: 0 0 12px !important;`;
  // The sign-in page centres narrow content; a full-width strip above it would look like LinkedIn's.
  const NOTICE_HOST_STYLE = `${HOST_STYLE} margin: 12px auto !important; max-width: 720px !important;`;

  function newBanner(hostStyle = BANNER_HOST_STYLE) {
    return makeHost('optout-guard-banner', hostStyle, BANNER_CSS, () => {
      const icon = h('span', { class: 'icon', 'aria-hidden': 'true' });
      const text = h('p', { class: 'text' });
      const message = h('p', { class: 'message' });
      const counts = h('ul', { 'aria-label': 'Settings on this page' });
      const root = h('section', { class: 'box', role: 'status' }, [
        icon, h('div', {}, [h('span', { class: 'eyebrow', text: 'Optout Guard' }), text, message, counts]),
      ]);
      return { root, icon, text, message, counts };
    });
  }

  const COUNT_WORDS = [
    ['on', (n) => `${n} still on`],
    ['off', (n) => `${n} off`],
    ['unknown', (n) => `${n} couldn’t be read`],
    ['unrecognised', (n) => `${n} new, not in the checklist`],
  ];

  function fillBanner(host, banner, message) {
    const p = parts.get(host);
    const n = (k) => (Number.isInteger(banner[k]) && banner[k] > 0 ? banner[k] : 0);
    // Green only when the core saw switches and all of them were off; never for "nothing seen".
    const tone = n('on') > 0 ? 'on'
      : n('unknown') + n('unrecognised') > 0 ? 'unsure'
      : n('off') > 0 ? 'off' : 'neutral';
    setAttr(p.root, 'class', `root box ${tone}`);
    setText(p.icon, { on: '!', unsure: '?', off: '✓', neutral: 'i' }[tone]);
    setText(p.text, banner.text ?? '');
    setText(p.message, message ?? '');
    p.message.hidden = !message;
    const wanted = COUNT_WORDS.filter(([k]) => n(k) > 0).map(([k, words]) => [k, words(n(k))]);
    const existing = Array.from(p.counts.children);
    const same = existing.length === wanted.length &&
      existing.every((li, i) => li.className === wanted[i][0] && li.textContent === wanted[i][1]);
    if (!same) p.counts.replaceChildren(...wanted.map(([k, t]) => h('li', { class: k, text: t })));
    p.counts.hidden = wanted.length === 0;
  }

  const LINK_WORDS = {
    on: 'On — turn it off →',
    off: '✓ Off',
    unknown: 'Couldn’t tell — check it →',
  };

  function newLinkBadge() {
    return makeHost('optout-guard-link', INLINE_HOST_STYLE, LINK_CSS, () => {
      const link = h('a');
      return { root: link, link };
    });
  }

  function fillLinkBadge(host, entry) {
    const p = parts.get(host);
    setAttr(host, LINK_ATTR, entry.item);
    setAttr(host, STATE_ATTR, entry.state);
    setAttr(p.link, 'class', `root ${entry.state}`);
    setAttr(p.link, 'href', entry.url);
    setText(p.link, LINK_WORDS[entry.state]);
    const spoken = { on: 'still on, open it to turn it off', off: 'off', unknown: 'could not be read, open it to check' };
    setAttr(p.link, 'aria-label', `Optout Guard: ${entry.title ?? 'this setting'} is ${spoken[entry.state]}`);
  }

  function newMarker() {
    return makeHost('optout-guard-marker', HOST_STYLE + ' margin: 4px 0 !important;', MARKER_CSS, () => {
      const root = h('span', { class: 'box', role: 'note',
        text: 'New setting, not in Optout Guard’s checklist yet — review it' });
      return { root };
    });
  }

  // ---------------------------------------------------------------------------------------
  // Painting: plan with reads only, then write; reconcile so nothing from an older report stays.

  const painted = {
    switches: new Set(), // elements carrying ITEM_ATTR / STATE_ATTR
    rows: new Set(), // elements carrying ROW_ATTR
    warnings: new Map(), // item id -> host
    markers: new Map(), // switch element -> host
    links: new Map(), // page link element -> host
    banner: null,
    notice: null, // the sign-in wall's explanation; a banner of its own kind
  };

  function plan(report, read) {
    const switches = new Map();
    const rows = new Set();
    const warnings = new Map();
    const markers = new Map();
    // On a sign-in page the core reports no controls, links or banner; its explanation is shown
    // in a notice of its own.
    const signInWall = report.page?.kind === 'sign-in-wall';
    const pageItem = report.page?.item ?? null;
    const message = typeof report.page?.message === 'string' && report.page.message ? report.page.message : null;
    const listed = (list) => (Array.isArray(list) ? list : []);
    for (const c of listed(report.controls)) {
      const target = read.controlEls[c?.index];
      if (!target || !SWITCH_STATES.has(c.state)) continue;
      const unrecognised = c.state === 'unrecognised';
      if (!unrecognised && typeof c.item !== 'string') continue;
      switches.set(target, { state: c.state, item: unrecognised ? null : c.item });
      if (unrecognised) {
        markers.set(target, rowFor(target, read.controlEls));
      } else if (c.state === 'on') {
        const row = rowFor(target, read.controlEls);
        rows.add(row);
        if (!warnings.has(c.item) && c.warning) {
          warnings.set(c.item, { row, warning: c.warning, onItsPage: c.item === pageItem });
        }
      }
    }
    const links = new Map();
    for (const l of listed(report.links)) {
      const anchor = read.linkEls[l?.index];
      if (!anchor || !LINK_STATES.has(l.state) || typeof l.item !== 'string' || typeof l.url !== 'string') continue;
      links.set(anchor, l);
    }
    const banner = report.banner && typeof report.banner === 'object' ? report.banner : null;
    const notice = signInWall ? message : null;
    return {
      switches, rows, warnings, markers, links, banner, notice, message,
      bannerParent: banner || notice ? document.querySelector('main') ?? document.body : null,
    };
  }

  function apply(p) {
    const placed = new Map();
    for (const node of painted.switches) {
      if (!p.switches.has(node)) {
        node.removeAttribute(ITEM_ATTR);
        node.removeAttribute(STATE_ATTR);
      }
    }
    for (const [node, { state, item }] of p.switches) {
      setAttr(node, STATE_ATTR, state);
      setAttr(node, ITEM_ATTR, item);
    }
    painted.switches = new Set(p.switches.keys());

    for (const row of painted.rows) if (!p.rows.has(row)) row.removeAttribute(ROW_ATTR);
    for (const row of p.rows) setAttr(row, ROW_ATTR, 'on');
    painted.rows = p.rows;

    for (const [id, host] of painted.warnings) {
      if (!p.warnings.has(id)) {
        host.remove();
        painted.warnings.delete(id);
      }
    }
    for (const [id, { row, warning, onItsPage }] of p.warnings) {
      let host = painted.warnings.get(id);
      if (!host) painted.warnings.set(id, (host = newWarning()));
      fillWarning(host, id, warning, onItsPage);
      placeAfter(row, host, placed);
    }

    for (const [target, host] of painted.markers) {
      if (!p.markers.has(target)) {
        host.remove();
        painted.markers.delete(target);
      }
    }
    for (const [target, row] of p.markers) {
      let host = painted.markers.get(target);
      if (!host) painted.markers.set(target, (host = newMarker()));
      setAttr(host, MARKER_ATTR, '');
      placeAfter(row, host, placed);
    }

    for (const [anchor, host] of painted.links) {
      if (!p.links.has(anchor)) {
        host.remove();
        painted.links.delete(anchor);
      }
    }
    for (const [anchor, entry] of p.links) {
      let host = painted.links.get(anchor);
      if (!host) painted.links.set(anchor, (host = newLinkBadge()));
      fillLinkBadge(host, entry);
      if (anchor.parentNode && anchor.nextSibling !== host) anchor.after(host);
    }

    if (p.banner) {
      if (!painted.banner) painted.banner = newBanner();
      const host = painted.banner;
      setAttr(host, BANNER_ATTR, '');
      fillBanner(host, p.banner, p.message);
      if (p.bannerParent && host.parentNode !== p.bannerParent) p.bannerParent.prepend(host);
    } else if (painted.banner) {
      painted.banner.remove();
      painted.banner = null;
    }

    if (p.notice) {
      if (!painted.notice) painted.notice = newBanner(NOTICE_HOST_STYLE);
      const host = painted.notice;
      setAttr(host, NOTICE_ATTR, '');
      fillBanner(host, { text: p.notice }, null);
      if (p.bannerParent && host.parentNode !== p.bannerParent) p.bannerParent.prepend(host);
    } else if (painted.notice) {
      painted.notice.remove();
      painted.notice = null;
    }
  }

  function clearAll() {
    apply({
      switches: new Map(), rows: new Set(), warnings: new Map(), markers: new Map(),
      links: new Map(), banner: null, notice: null, message: null, bannerParent: null,
    });
  }

  /** Runs our DOM writes so that they don't wake the observer, while page changes still do. */
  function quietly(write) {
    // Page changes not yet delivered to the observer still need a scan of their own.
    if (observer.takeRecords().some(isRelevant)) dirty = true;
    try {
      write();
    } finally {
      observer.takeRecords(); // our own writes: not a reason to scan again
    }
  }

  function paint(report, read) {
    const p = plan(report, read);
    quietly(() => apply(p));
  }

  // ---------------------------------------------------------------------------------------
  // When to scan: late rendering, re-renders, SPA navigation, the member flipping a switch.

  let scanSeq = 0;
  let inFlight = false;
  let dirty = false;
  let frame = 0;
  let timer = 0;
  let stopped = false;
  let lastHref = location.href;
  const warned = new Set();
  const uiRemovals = [];

  function scheduleScan() {
    if (stopped) return;
    if (inFlight) {
      dirty = true;
      return;
    }
    if (frame || timer) return;
    frame = requestAnimationFrame(runScan);
    // rAF does not run in background tabs; the badge should still follow what the tab shows.
    timer = setTimeout(runScan, 1000);
  }

  function warnOnce(error) {
    const name = error?.name || 'Error';
    if (warned.has(name)) return;
    warned.add(name);
    console.warn(`Optout Guard: could not check this page (${name}).`, error?.message ?? '');
  }

  async function runScan() {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = timer = 0;
    if (stopped) return;
    if (!api.runtime?.id) {
      stop(); // the extension was reloaded or removed: this copy of the script is orphaned
      return;
    }
    if (location.href !== lastHref) {
      // A new page (SPA navigation): its problems deserve their own console line.
      lastHref = location.href;
      warned.clear();
      uiRemovals.length = 0;
    }
    observer.takeRecords(); // everything already queued is covered by this read
    const read = readPage();
    const seq = ++scanSeq;
    inFlight = true;
    dirty = false;
    let reply = null;
    let failure = null;
    let timeout = 0;
    try {
      reply = await Promise.race([
        api.runtime.sendMessage({ type: SCAN, snapshot: read.snapshot }),
        // A worker that never answers must not stop every later scan.
        new Promise((_, reject) => {
          timeout = setTimeout(
            () => reject(Object.assign(new Error('no answer in time'), { name: 'OptoutTimeout' })),
            REPLY_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      failure = { name: err?.name || 'Error', message: err?.message };
    } finally {
      clearTimeout(timeout);
    }
    inFlight = false;
    if (seq !== scanSeq || stopped) return;
    if (location.href !== read.snapshot.url) {
      // The page navigated while we waited: this report is about a page that is gone.
      scheduleScan();
      return;
    }
    if (!failure && !(reply?.ok === true && reply.report && typeof reply.report === 'object')) {
      failure = reply?.error ?? { name: 'OptoutNoReply', message: 'no report in the reply' };
    }
    if (failure) {
      warnOnce(failure);
      // Without a current report nothing we painted is vouched for any more (the member may just
      // have turned the setting off): take it all down rather than leave a stale claim standing.
      quietly(clearAll);
    } else {
      try {
        paint(reply.report, read);
      } catch (err) {
        warnOnce({ name: `paint ${err?.name || 'Error'}`, message: err?.message });
        quietly(clearAll);
      }
    }
    if (dirty) scheduleScan();
  }

  function removedOurUi(record) {
    for (const node of record.removedNodes) {
      if (node.nodeType === Node.ELEMENT_NODE && node.hasAttribute(UI_ATTR)) return true;
    }
    return false;
  }

  function isRelevant(record) {
    if (isOurs(record.target)) return false;
    if (record.type !== 'childList') return true;
    const foreign = (nodes) =>
      Array.from(nodes).some((n) => !(n.nodeType === Node.ELEMENT_NODE && n.hasAttribute(UI_ATTR)));
    if (foreign(record.addedNodes) || foreign(record.removedNodes)) return true;
    if (removedOurUi(record)) {
      // The page threw our UI out; put it back, but don't fight a page that keeps doing it.
      const now = Date.now();
      while (uiRemovals.length && now - uiRemovals[0] > 5000) uiRemovals.shift();
      uiRemovals.push(now);
      return uiRemovals.length <= 10;
    }
    return false;
  }

  const observer = new MutationObserver((records) => {
    if (records.some(isRelevant)) scheduleScan();
  });

  let followUps = [];
  function onUserEvent(event) {
    const target = event.target;
    // Only switches and their labels: typing in a search box is no reason to scan.
    if (!(target instanceof Element) || isOurs(target)) return;
    if (!target.closest(`${CONTROL_SELECTOR}, label`)) return;
    scheduleScan();
    // A switch's value can change without any DOM mutation (the page sets .checked after
    // saving, or reverts it when saving fails): look again shortly after.
    for (const t of followUps) clearTimeout(t);
    followUps = [300, 1500].map((ms) => setTimeout(scheduleScan, ms));
  }

  const listeners = [
    [document, 'change', onUserEvent],
    [document, 'input', onUserEvent],
    [document, 'click', onUserEvent],
    [window, 'popstate', scheduleScan],
    [window, 'pageshow', scheduleScan],
  ];
  if (window.navigation && typeof window.navigation.addEventListener === 'function') {
    listeners.push([window.navigation, 'currententrychange', scheduleScan]);
    listeners.push([window.navigation, 'navigatesuccess', scheduleScan]);
  }

  function stop() {
    stopped = true;
    observer.disconnect();
    for (const [target, type, fn] of listeners) target.removeEventListener(type, fn, true);
    for (const t of followUps) clearTimeout(t);
    clearAll();
  }

  for (const [target, type, fn] of listeners) target.addEventListener(type, fn, true);
  observer.observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: WATCHED_ATTRIBUTES,
  });
  scheduleScan();
})();
