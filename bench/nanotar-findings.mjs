#!/usr/bin/env node
// Why nanotar is not the plugin extractor: it reads real archives made by GNU tar (gnu, pax and
// ustar formats) of a small tree with what plugins contain (an executable, a hard link, symlinks,
// paths longer than 100 bytes, names with spaces, `=` and non-ASCII letters), and every entry it
// gets wrong is counted against what the tree holds. Also checked: a Uint8Array view into a larger
// buffer, as a streamed download hands over. Run: `node bench/nanotar-findings.mjs` (needs GNU tar).
// Prints a table and a summary; exits 0, since this is evidence rather than a test.
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTar } from 'nanotar';

const work = mkdtempSync(join(tmpdir(), 'nanotar-findings-'));
const src = join(work, 'src');
const longDir = `deep/${'a'.repeat(60)}/${'b'.repeat(60)}`;
const longFile = `${longDir}/fff.txt`; // 131 bytes: needs a GNU L record, a PAX path, or ustar's prefix field
const spacedLong = `dir with spaces/${'x'.repeat(90)} = sign.txt`; // > 100 bytes, with spaces and '='

// What the archives must contain: name → { type, target? }.
const expected = new Map([
  ['run.sh', { type: 'file' }],
  ['file.txt', { type: 'file' }],
  ['hard-to-file', { type: 'hardLink', target: 'file.txt' }],
  ['link-to-file', { type: 'symbolicLink', target: 'file.txt' }],
  [longFile, { type: 'file' }],
  ['link-to-long', { type: 'symbolicLink', target: longFile }],
  [spacedLong, { type: 'file' }],
  ['café menu.txt', { type: 'file' }],
]);

function write(path, content, mode = 0o644) {
  mkdirSync(join(src, path, '..'), { recursive: true });
  writeFileSync(join(src, path), content, { mode });
}
write('run.sh', '#!/bin/sh\necho hi\n', 0o755);
write('file.txt', 'hello\n');
linkSync(join(src, 'file.txt'), join(src, 'hard-to-file'));
symlinkSync('file.txt', join(src, 'link-to-file'));
write(longFile, 'deep\n');
symlinkSync(longFile, join(src, 'link-to-long'));
write(spacedLong, 'spaces\n');
write('café menu.txt', 'menu\n');

const files = [...expected.keys()];
function archive(format, names) {
  const out = join(work, `${format}.tar`);
  execFileSync('tar', [`--format=${format}`, '-C', src, '-cf', out, ...names]);
  return new Uint8Array(readFileSync(out));
}

const rows = [];
function compare(label, bytes, names) {
  let entries;
  try {
    entries = parseTar(bytes);
  } catch (error) {
    rows.push({ label, wrong: names.length, total: names.length, notes: [`throws: ${error.message}`] });
    return;
  }
  const byName = new Map(entries.filter((e) => e.type !== 'directory').map((e) => [e.name, e]));
  const notes = [];
  let wrong = 0;
  for (const name of names) {
    const want = expected.get(name);
    const got = byName.get(name);
    if (!got) {
      wrong++;
      notes.push(`"${short(name)}" missing`);
      continue;
    }
    byName.delete(name);
    if (got.type !== want.type) {
      wrong++;
      notes.push(`"${short(name)}" is ${got.type}, not ${want.type}`);
    } else if (want.target !== undefined) {
      // nanotar never reads the ustar linkname field, so no link says what it points to.
      const target = got.attrs?.linkpath ?? got.linkname;
      if (target !== want.target) {
        wrong++;
        notes.push(`"${short(name)}" has no link target`);
      }
    }
  }
  for (const name of byName.keys()) notes.push(`unexpected entry "${short(name)}"`);
  rows.push({ label, wrong, total: names.length, notes });
}
const short = (name) => (name.length > 40 ? `${name.slice(0, 18)}…${name.slice(-18)}` : name);

try {
  compare('GNU tar --format=gnu', archive('gnu', files), files);
  compare('GNU tar --format=pax', archive('pax', files), files);
  // ustar cannot store a link target over 100 bytes nor a file name part over 100, so those are left out.
  const ustarNames = files.filter((name) => name !== 'link-to-long' && name !== spacedLong);
  compare('GNU tar --format=ustar', archive('ustar', ustarNames), ustarNames);
  // The same valid pax archive, handed over as a view into a larger buffer.
  const pax = archive('pax', files);
  const pooled = new Uint8Array(pax.length + 1024);
  pooled.set(pax, 512);
  compare('pax archive as a Uint8Array view (byteOffset 512)', pooled.subarray(512, 512 + pax.length), files);
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log('nanotar 0.3.0 against real archives: entries it gets wrong\n');
console.log('| archive | wrong | what |');
console.log('|---|---|---|');
for (const row of rows)
  console.log(`| ${row.label} | ${row.wrong} of ${row.total} | ${row.notes.join('; ') || '-'} |`);
const wrong = rows.reduce((n, r) => n + r.wrong, 0);
const total = rows.reduce((n, r) => n + r.total, 0);
console.log(`\n${wrong} of ${total} entries wrong across ${rows.length} archives.`);
