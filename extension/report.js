// Printable report: the checklist view (docs/interfaces.md §4) as a plain document the member
// can print or save as PDF. Like the popup it only renders what the service worker sends.
import { api, MSG, request, el, timeEl, textWithTime, formatWhen, statusLabel, TIERS } from './shared.js';

const $ = (id) => document.getElementById(id);

function row(item) {
  const status = [el('span', { className: `status status--${item.status}`, textContent: statusLabel(item) })];
  if (item.not_applicable_reason) status.push(el('span', { className: 'reason', textContent: item.not_applicable_reason }));
  if (item.due_recheck) status.push(el('span', { className: 'reason', textContent: 'Due for a re-check' }));
  return el('tr', { attrs: { 'data-item': item.id, 'data-status': item.status } },
    el('th', { scope: 'row' }, el('span', { className: 'title', textContent: item.title }),
      el('span', { className: 'why', textContent: item.why })),
    el('td', {}, status),
    el('td', {}, item.last_seen ? timeEl(item.last_seen)
      : el('span', { className: 'muted', textContent: item.kind === 'switch' ? 'Not seen' : '–' })),
    el('td', { className: 'evidence' }, item.evidence ?? el('span', { className: 'muted', textContent: '–' })),
    el('td', { className: 'url' }, el('a', { href: item.url, textContent: item.url, rel: 'noopener noreferrer', target: '_blank' })));
}

function render(view) {
  const region = view.regions.find((r) => r.id === view.region)?.label ?? view.region;
  const now = new Date().toISOString();
  $('meta').replaceChildren('Prepared ', timeEl(now, { dateStyle: 'long', timeStyle: 'short' }),
    ` with Optout Guard ${api.runtime.getManifest().version}. Region: ${region}.`);
  document.title = `LinkedIn opt-out checklist, ${formatWhen(now, { dateStyle: 'medium' })} – Optout Guard`;
  $('summary').textContent = view.summary.text;
  $('session').replaceChildren(...textWithTime(view.session.text, view.session.seen_at));
  $('overview').setAttribute('aria-busy', 'false');
  $('tiers').replaceChildren(...TIERS.map(([tier, heading]) => {
    const items = view.items.filter((i) => i.tier === tier);
    if (items.length === 0) return null;
    return el('section', { className: 'tier' },
      el('h2', { textContent: heading }),
      el('table', {},
        el('colgroup', {}, ['setting', 'status', 'seen', 'evidence', 'where'].map((c) => el('col', { className: `col-${c}` }))),
        el('thead', {}, el('tr', {}, ['Setting', 'Status', 'Last seen', 'Evidence', 'Where'].map((h) => el('th', { scope: 'col', textContent: h })))),
        el('tbody', {}, items.map(row))));
  }).filter(Boolean));
  $('print').disabled = false;
}

$('print').addEventListener('click', () => window.print());

request(MSG.view).then(({ view }) => render(view), (err) => {
  $('summary').textContent = 'The checklist could not be loaded.';
  $('error').textContent = `Could not load your checklist: ${err?.message ?? err}`;
  $('error').hidden = false;
  $('overview').setAttribute('aria-busy', 'false');
});
