// Optout Guard service worker: runs the WASM core, answers messages (docs/interfaces.md §3),
// is the only writer of chrome.storage.local and keeps the toolbar badge current.
// Static imports only: service workers may not use import().
import init, * as core from './wasm/optout_wasm.js';
import { api, MSG, BADGE_COLOURS, errorReply } from './shared.js';

const STATE_KEY = 'checklist';
const BACKUP_PREFIX = 'checklist_backup_';

// The worker can be woken by a message at any time, so every handler awaits this.
// A failed start is forgotten so the next message tries again instead of failing forever.
let booting = null;
let state = null; // in-memory copy of storage[STATE_KEY]; valid because we are the only writer
let lastBadge = '';

function ready() {
  if (!booting) {
    booting = boot().catch((err) => {
      booting = null;
      throw err;
    });
  }
  return booting;
}

async function boot() {
  await init({ module_or_path: api.runtime.getURL('wasm/optout_wasm_bg.wasm') });
  const stored = (await api.storage.local.get(STATE_KEY))[STATE_KEY];
  let loaded;
  try {
    loaded = core.checklistLoad(stored ?? null);
  } catch (err) {
    if (err?.name !== 'OptoutStateError') throw err;
    // Never lose what the member had: park the unreadable value under its own key first.
    const backupKey = BACKUP_PREFIX + new Date().toISOString();
    await api.storage.local.set({ [backupKey]: stored });
    loaded = core.checklistAfterUnreadable(backupKey);
  }
  if (!sameState(loaded, stored)) await api.storage.local.set({ [STATE_KEY]: loaded });
  state = loaded;
  await updateBadge(core.checklistView(state, Date.now()));
}

/** The core's state is opaque here (a string or a plain object); equal content needs no write. */
function sameState(a, b) {
  if (a === b) return true;
  if (a == null || b == null || typeof a !== typeof b) return false;
  return typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

// Every read-modify-write of the state runs here, one after another, so concurrent scans from
// several tabs each see the previous one's result and no update is lost.
let queue = Promise.resolve();
function serialized(task) {
  const run = queue.then(async () => {
    await ready();
    return task();
  });
  queue = run.catch(() => {});
  return run;
}

/** Makes `newState` current: persists it when it differs, refreshes the badge, returns the view. */
async function commit(newState) {
  if (!sameState(newState, state)) {
    await api.storage.local.set({ [STATE_KEY]: newState });
    state = newState;
  }
  const view = core.checklistView(state, Date.now());
  await updateBadge(view);
  return view;
}

/** The toolbar tooltip names the extension once, whether or not the core's text already does. */
function titleFor(tooltip) {
  if (!tooltip) return 'Optout Guard';
  return /optout guard/i.test(tooltip) ? tooltip : `Optout Guard: ${tooltip}`;
}

async function updateBadge(view) {
  const badge = view?.badge;
  if (!badge) return;
  const key = JSON.stringify(badge);
  if (key === lastBadge) return;
  const colours = BADGE_COLOURS[badge.kind] ?? BADGE_COLOURS.unchecked;
  const action = api.action;
  // A badge that fails to draw must not turn a saved change into an error reply.
  try {
    await Promise.all([
      action.setBadgeText({ text: String(badge.text ?? '') }),
      action.setBadgeBackgroundColor({ color: colours.background }),
      typeof action.setBadgeTextColor === 'function'
        ? action.setBadgeTextColor({ color: colours.text })
        : null,
      action.setTitle({ title: titleFor(badge.tooltip) }),
    ]);
    lastBadge = key;
  } catch (err) {
    console.warn('Optout Guard: could not update the badge:', err?.name, err?.message);
  }
}

/**
 * Reads a page and records it into the checklist in one trip into the core. The reply goes out as
 * soon as the report exists; saving the new state follows in the queue.
 */
function scan(snapshot) {
  return new Promise((resolve, reject) => {
    serialized(async () => {
      let result;
      try {
        result = core.scanPage(state, snapshot, Date.now());
      } catch (err) {
        reject(err);
        return;
      }
      resolve({ report: result.report });
      await commit(result.state);
    }).catch((err) => {
      reject(err); // no-op when the report was already sent
      console.warn('Optout Guard: could not record the scan:', err?.name, err?.message);
    });
  });
}

/** A trap inside the WASM (a panic in the core) is a bug; callers see it as OptoutPanic. */
function named(err) {
  if (err instanceof WebAssembly.RuntimeError) {
    return { name: 'OptoutPanic', message: `Optout Guard hit an internal error: ${err.message}` };
  }
  return err;
}

const handlers = {
  [MSG.scan]: (msg) => scan(msg.snapshot),
  [MSG.view]: () => serialized(async () => ({ view: await commit(state) })),
  [MSG.setRegion]: (msg) =>
    serialized(async () => ({ view: await commit(core.checklistSetRegion(state, msg.region)) })),
  [MSG.mark]: (msg) =>
    serialized(async () => ({
      view: await commit(core.checklistMark(state, msg.id, msg.done === true, Date.now())),
    })),
  [MSG.export]: (msg) =>
    serialized(async () => ({
      file: core.exportChecklist(state, msg.format, Date.now(), api.runtime.getManifest().version),
    })),
  // importChecklist throws on a refused file before anything is written, so nothing changes.
  [MSG.import]: (msg) =>
    serialized(async () => {
      const { state: next, skipped } = core.importChecklist(msg.text);
      return { view: await commit(next), skipped: skipped ?? [] };
    }),
  [MSG.dismissNotice]: () =>
    serialized(async () => ({ view: await commit(core.checklistDismissNotice(state)) })),
};

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = typeof msg?.type === 'string' && Object.hasOwn(handlers, msg.type)
    ? handlers[msg.type]
    : null;
  if (!handler) return false; // not ours: let other listeners answer
  if (sender?.id !== api.runtime.id) {
    sendResponse(errorReply({ name: 'OptoutInputError', message: 'Unknown sender.' }));
    return false;
  }
  Promise.resolve()
    .then(() => handler(msg))
    .then(
      (payload) => sendResponse({ ok: true, ...payload }),
      (err) => sendResponse(errorReply(named(err))),
    );
  return true; // the reply is sent asynchronously
});

// The badge is not kept across browser restarts; these listeners wake the worker to redraw it.
api.runtime.onStartup.addListener(() => {
  ready().catch(() => {});
});
api.runtime.onInstalled.addListener(() => {
  ready().catch(() => {});
});

ready().catch((err) => console.warn('Optout Guard: start failed:', err?.name, err?.message));
