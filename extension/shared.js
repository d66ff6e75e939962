// Helpers shared by the extension pages (service worker, popup, report page).
// The content script cannot import ES modules, so it does not use this file.

/** Chromium exposes `chrome`; Firefox exposes both, and `browser` is its native one. */
export const api = globalThis.browser ?? globalThis.chrome;

/** Message types of docs/interfaces.md §3. */
export const MSG = Object.freeze({
  scan: 'optout-guard/scan',
  view: 'optout-guard/view',
  setRegion: 'optout-guard/set-region',
  mark: 'optout-guard/mark',
  export: 'optout-guard/export',
  import: 'optout-guard/import',
  dismissNotice: 'optout-guard/dismiss-notice',
});

/** Where the build puts the wasm-bindgen output, relative to the extension root. */
export const WASM_BINARY_PATH = 'wasm/optout_wasm_bg.wasm';

/** The `{ok:false}` reply for any thrown value; core errors keep their `Optout*` name. */
export function errorReply(err) {
  return { ok: false, error: describeError(err) };
}

export function describeError(err) {
  if (err && typeof err === 'object') {
    const name = typeof err.name === 'string' && err.name ? err.name : 'Error';
    const message = typeof err.message === 'string' ? err.message : String(err);
    return { name, message };
  }
  return { name: 'Error', message: String(err) };
}

/**
 * Sends one message to the service worker and returns the reply's payload.
 * A `{ok:false}` reply or an unreachable worker becomes a thrown Error whose `name` is the
 * reported one, so callers handle both the same way.
 */
export async function request(type, fields = {}) {
  let reply;
  try {
    reply = await api.runtime.sendMessage({ type, ...fields });
  } catch (err) {
    throw Object.assign(new Error(describeError(err).message), { name: 'OptoutUnreachable' });
  }
  if (!reply || typeof reply !== 'object') {
    throw Object.assign(new Error('Optout Guard’s background worker gave no answer.'), {
      name: 'OptoutUnreachable',
    });
  }
  if (!reply.ok) {
    const { name = 'Error', message = 'Unknown error' } = reply.error ?? {};
    throw Object.assign(new Error(message), { name });
  }
  return reply;
}

/** Badge colours per `badge.kind` (docs/interfaces.md §4): text colour chosen for contrast. */
export const BADGE_COLOURS = Object.freeze({
  on: { background: '#c62828', text: '#ffffff' },
  unchecked: { background: '#6b6b6b', text: '#ffffff' },
  'essential-done': { background: '#2e7d32', text: '#ffffff' },
  partial: { background: '#f2a900', text: '#1a1a1a' },
});

// ---------------------------------------------------------------------------------------------
// Rendering helpers for the popup and the report page (appended by the popup's engineer).
// They only turn view fields (docs/interfaces.md §4) into words and DOM; they decide nothing.
// ---------------------------------------------------------------------------------------------

/** Pill text per item `status`. */
export const STATUS_LABELS = Object.freeze({
  on: 'On',
  off: 'Off',
  unknown: 'Not checked',
  'not-applicable': 'Doesn’t apply',
  done: 'Done',
  todo: 'To do',
});

/** An item's status in words. A switch whose state the page showed but nobody could read is
 * "Unclear": "Not checked" would be untrue. */
export function statusLabel(item) {
  if (item.status === 'unknown' && item.last_seen) return 'Unclear';
  return STATUS_LABELS[item.status] ?? item.status;
}

/** Tier ids in checklist order, with their headings. */
export const TIERS = Object.freeze([
  ['essential', 'Essential'],
  ['recommended', 'Recommended'],
  ['optional', 'Optional'],
]);

/**
 * Creates an element. `props` sets properties (className, textContent, hidden, …), except
 * `attrs` (attributes) and `on` (event listeners); children are nodes or strings (as text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { attrs, on, ...rest } = props;
  Object.assign(node, rest);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [k, fn] of Object.entries(on ?? {})) node.addEventListener(k, fn);
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) node.append(c);
  }
  return node;
}

/** An RFC 3339 time in the reader's locale; the raw value if it does not parse. */
export function formatWhen(iso, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return String(iso ?? '');
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

/** A <time> with the friendly text, keeping the exact value machine- and hover-readable. */
export function timeEl(iso, options) {
  return el('time', { textContent: formatWhen(iso, options), dateTime: iso, title: iso });
}

/** A view sentence that quotes the exact timestamp `iso`, with that timestamp as a friendly <time>. */
export function textWithTime(text, iso) {
  const at = iso ? text.indexOf(iso) : -1;
  if (at < 0) return [text];
  return [text.slice(0, at), timeEl(iso), text.slice(at + iso.length)];
}
