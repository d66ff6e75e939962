// Optout Guard toolbar popup: shows the checklist view the service worker sends
// (docs/interfaces.md §3–4) and forwards the member's actions to it. Everything it shows comes
// from the view; it never reads or writes storage and never loads the core itself.
import { api, MSG, request, el, timeEl, textWithTime, statusLabel, STATUS_LABELS, TIERS } from './shared.js';

const $ = (id) => document.getElementById(id);

/** The last view rendered; the region picker falls back to it when a change is refused. */
let view = null;

// --- messages and errors ------------------------------------------------------------------------

function asSentence(text) {
  const t = String(text ?? '').trim() || 'something went wrong';
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/** Every failure is shown in words: the worker's message, prefixed by what was being done. */
function showError(context, err, extra = '') {
  $('error-text').textContent = `${context}: ${asSentence(err?.message)}${extra ? ` ${extra}` : ''}`;
  $('error').dataset.errorName = err?.name ?? 'Error';
  $('error').hidden = false;
  console.warn('Optout Guard popup:', context, err?.name, err?.message);
}

function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
  delete $('error').dataset.errorName;
}

function say(text) {
  $('tools-result').textContent = text;
}

/**
 * Runs one action with its button disabled, so a double click cannot send it twice. Disabling
 * (and re-rendering) drops keyboard focus, so it goes back to the control with the same
 * `data-focus` key afterwards.
 */
async function act(button, context, task) {
  clearError();
  const focusKey = document.activeElement?.dataset?.focus ?? null;
  if (button) button.disabled = true;
  try {
    await task();
  } catch (err) {
    showError(context, err, err?.name === 'OptoutImportError' ? 'Your checklist was not changed.' : '');
    return false;
  } finally {
    // A re-render replaces most buttons; only one still on the page needs enabling again.
    if (button?.isConnected) button.disabled = false;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focusKey && lost) document.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
  }
  return true;
}

async function send(type, fields) {
  const reply = await request(type, fields);
  if (reply.view) render(reply.view);
  return reply;
}

// --- rendering ----------------------------------------------------------------------------------

function render(next) {
  view = next;
  renderStatus(next);
  renderNotice(next);
  renderRegion(next);
  renderItems(next);
}

function renderStatus(v) {
  const box = $('status');
  box.className = `status status--${v.badge?.kind ?? 'unchecked'}`;
  box.setAttribute('aria-busy', 'false');
  $('summary').textContent = v.summary.text;
  $('count-on').textContent = String(v.summary.on);
  $('count-checked').textContent = String(v.summary.checked);
  $('counts').hidden = false;
  const session = $('session');
  session.replaceChildren(...textWithTime(v.session.text, v.session.seen_at));
  session.className = `status__session session--${v.session.state}`;
  session.hidden = false;
}

function renderNotice(v) {
  $('notice').hidden = !v.notice;
  $('notice-text').textContent = v.notice ?? '';
}

function renderRegion(v) {
  const select = $('region');
  select.replaceChildren(...v.regions.map((r) => el('option', { value: r.id, textContent: r.label })));
  select.value = v.region;
  select.disabled = false;
}

function renderItems(v) {
  const sections = TIERS.map(([tier, heading]) => {
    const items = v.items.filter((i) => i.tier === tier);
    if (items.length === 0) return null;
    return el('section', { className: 'tier', attrs: { 'aria-labelledby': `tier-${tier}` } },
      el('h2', { id: `tier-${tier}`, className: 'tier__title', textContent: heading }),
      el('ul', { className: 'items' }, items.map(itemEl)));
  });
  $('items').replaceChildren(...sections.filter(Boolean));
}

function itemEl(item) {
  const meta = [];
  if (item.last_seen) {
    meta.push(el('span', {}, item.status === 'done' ? 'Done ' : 'Last seen ', timeEl(item.last_seen)));
  }
  if (item.previous && item.changed_at) {
    meta.push(el('span', {}, `Changed from ${STATUS_LABELS[item.previous] ?? item.previous} `, timeEl(item.changed_at)));
  }
  if (item.due_recheck) meta.push(el('span', { className: 'recheck', textContent: 'Due for a re-check' }));

  const actions = [openLink(item)];
  const details = [el('p', { textContent: item.how })];
  if (item.evidence) details.push(el('p', { className: 'evidence' }, el('strong', { textContent: 'Evidence: ' }), item.evidence));
  if (item.kind === 'manual') {
    const done = item.status === 'done';
    actions.push(el('button', {
      type: 'button',
      className: 'button',
      textContent: done ? 'Undo' : 'Mark done',
      attrs: { 'data-focus': `mark:${item.id}`, 'data-mark': done ? 'undo' : 'done', 'aria-label': `${done ? 'Undo' : 'Mark done'}: ${item.title}` },
      on: { click: (e) => mark(e.currentTarget, item, !done) },
    }));
  }

  actions.push(el('details', { className: 'item__details' }, el('summary', { textContent: 'Details' }), details));

  return el('li', { className: `item item--${item.status}`, attrs: { 'data-item': item.id, 'data-status': item.status } },
    el('div', { className: 'item__head' },
      el('h3', { className: 'item__title', textContent: item.title }),
      el('span', { className: `pill pill--${item.status}`, textContent: statusLabel(item) })),
    el('p', { className: 'item__why', textContent: item.why }),
    item.not_applicable_reason ? el('p', { className: 'item__reason', textContent: item.not_applicable_reason }) : null,
    meta.length ? el('p', { className: 'item__meta' }, meta) : null,
    el('div', { className: 'item__actions' }, actions));
}

function openLink(item) {
  const label = item.kind === 'switch' ? 'Open setting' : 'Open';
  return el('a', {
    className: item.status === 'on' ? 'button button--primary' : 'button',
    href: item.url,
    target: '_blank',
    rel: 'noopener noreferrer',
    textContent: label,
    attrs: { 'data-open': item.id, 'data-focus': `open:${item.id}`, 'aria-label': `${label}: ${item.title} (new tab)` },
    on: {
      click: (e) => {
        // tabs.create needs no permission and opens the exact URL in the member's window; the
        // plain link stays as the fallback and for middle-click.
        if (typeof api.tabs?.create !== 'function') return;
        e.preventDefault();
        api.tabs.create({ url: item.url }).catch((err) => showError(`Could not open ${item.title}`, err));
      },
    },
  });
}

// --- actions ------------------------------------------------------------------------------------

function mark(button, item, done) {
  return act(button, `Could not update “${item.title}”`, () => send(MSG.mark, { id: item.id, done }));
}

function exportAs(button, format) {
  return act(button, 'Could not export the checklist', async () => {
    const { file } = await request(MSG.export, { format });
    const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }));
    // A temporary download link needs no downloads permission.
    const a = el('a', { href: url, download: file.filename, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    say(`Downloading ${file.filename}.`);
  });
}

function importFile(file) {
  return act($('import'), `Could not restore ${file.name}`, async () => {
    say('');
    const reply = await send(MSG.import, { text: await file.text() });
    const n = reply.view.summary.checked;
    let text = `Restored your checklist from ${file.name}: ${n} ${n === 1 ? 'item' : 'items'} with a recorded reading.`;
    if (Array.isArray(reply.skipped) && reply.skipped.length > 0) {
      text += ` Skipped, because this version does not know them: ${reply.skipped.join(', ')}.`;
    }
    say(text);
  });
}

function openReport(button) {
  return act(button, 'Could not open the printable report', async () => {
    const url = api.runtime.getURL('report.html');
    if (typeof api.tabs?.create === 'function') await api.tabs.create({ url });
    else window.open(url, '_blank', 'noopener');
  });
}

function inFirefoxPopup() {
  if (typeof api.runtime.getBrowserInfo !== 'function') return false; // only Firefox has it
  try {
    return api.extension.getViews({ type: 'popup' }).includes(window);
  } catch {
    return false;
  }
}

function openImportTab() {
  return act($('import'), 'Could not open the restore page', async () => {
    await api.tabs.create({ url: api.runtime.getURL('popup.html#import') });
    window.close();
  });
}

function wire() {
  $('error-dismiss').addEventListener('click', clearError);
  $('notice-dismiss').addEventListener('click', (e) =>
    act(e.currentTarget, 'Could not dismiss the notice', () => send(MSG.dismissNotice)));
  $('region').addEventListener('change', async (e) => {
    const select = e.currentTarget;
    const ok = await act(select, 'Could not change the region', () => send(MSG.setRegion, { region: select.value }));
    if (!ok && view) select.value = view.region;
  });
  for (const button of document.querySelectorAll('[data-export]')) {
    button.addEventListener('click', () => exportAs(button, button.dataset.export));
  }
  $('report').addEventListener('click', (e) => openReport(e.currentTarget));
  $('import').addEventListener('click', () => {
    if (inFirefoxPopup()) {
      // Firefox closes a toolbar popup when a file picker opens, so the chosen file would never
      // arrive: the same page in a tab keeps it.
      openImportTab();
      return;
    }
    $('import-file').click();
  });
  if (location.hash === '#import') {
    say('Choose “Restore from JSON…” to pick the file to restore.');
    $('import').focus();
  }
  $('import-file').addEventListener('change', (e) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = ''; // so choosing the same file again still fires
    if (file) importFile(file);
  });
}

wire();
act(null, 'Could not load your checklist', () => send(MSG.view)).then((ok) => {
  if (ok) return;
  $('summary').textContent = 'Your checklist is not available right now.';
  $('status').setAttribute('aria-busy', 'false');
});
