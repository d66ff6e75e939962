// Mozilla's addons-linter (the validator addons.mozilla.org runs on upload) on dist/firefox and on
// the Firefox store zip: no errors, and no warning beyond the ones accepted below with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { FIREFOX_EXTENSION_DIR, REPO } from './harness.mjs';

// Warnings known and accepted. Anything else fails, so a new one gets a decision, not a shrug.
const ACCEPTED_WARNINGS = {
};

function linterBin() {
  const require = createRequire(import.meta.url);
  try {
    const pkg = require.resolve('addons-linter/package.json');
    return path.join(path.dirname(pkg), 'bin/addons-linter');
  } catch {
    throw new Error('addons-linter is not installed: run `npm ci` in the repo');
  }
}

function lint(target) {
  const r = spawnSync(process.execPath, [linterBin(), '--output', 'json', '--boring', target], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`addons-linter gave no JSON report (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return report;
}

const describeMessage = (m) => `${m.code} ${m.file ?? ''}${m.line ? `:${m.line}` : ''}: ${m.message}`;

function check(t, target) {
  assert.ok(fs.existsSync(target), `${path.relative(REPO, target)} is missing: run ./build.sh first`);
  const report = lint(target);
  for (const m of report.warnings) t.diagnostic(`warning ${describeMessage(m)}`);
  for (const m of report.notices) t.diagnostic(`notice ${describeMessage(m)}`);
  assert.deepEqual(report.errors.map(describeMessage), [], 'addons-linter errors');
  const unaccepted = report.warnings.filter((m) => !Object.hasOwn(ACCEPTED_WARNINGS, m.code));
  assert.deepEqual(unaccepted.map(describeMessage), [], 'addons-linter warnings not in ACCEPTED_WARNINGS');
  // A report about nothing would pass the checks above: make sure it read this add-on.
  assert.equal(report.metadata?.manifestVersion, 3);
}

test(`addons-linter: ${path.relative(REPO, FIREFOX_EXTENSION_DIR) || FIREFOX_EXTENSION_DIR}`, (t) => {
  check(t, FIREFOX_EXTENSION_DIR);
});

test('addons-linter: the Firefox store zip', (t) => {
  if (process.env.OPTOUT_GUARD_FIREFOX_DIR) {
    t.skip('OPTOUT_GUARD_FIREFOX_DIR is set: the zip belongs to dist/firefox, not to that tree');
    return;
  }
  const version = JSON.parse(fs.readFileSync(path.join(FIREFOX_EXTENSION_DIR, 'manifest.json'), 'utf8')).version;
  check(t, path.join(path.dirname(FIREFOX_EXTENSION_DIR), `optout-guard-firefox-${version}.zip`));
});
