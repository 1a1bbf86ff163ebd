// bench/RESULTS.md is shared: every writer owns one "## " section and replaces only that section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const cell = (text) => String(text ?? '').replaceAll('|', '\\|');

/** The heading of the section that `node bench/run.mjs` owns. */
export const RUN_SECTION = '## All benchmarks (`node bench/run.mjs`)';

/** The body of the run.mjs section: one table of every row, then the notes, then the misses. */
export function formatResults(rows, { quick, startedAt = new Date() }) {
  const modules = [...new Map(rows.map((row) => [row.module, row.load])).entries()];
  const lines = [
    RUN_SECTION,
    '',
    `Written by \`node bench/run.mjs${quick ? ' --quick' : ''}\` from the run of ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC ` +
      `to ${new Date().toISOString().slice(11, 16)} UTC: Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown'})` +
      `${quick ? ', quick mode (fewer iterations, noisier)' : ''}.`,
    'Ratios are ours / baseline measured in the same run, interleaved where the benchmark says so; lower is better.',
    `Load (1-minute average, at the start → at the end of each benchmark): ${modules
      .map(([name, load]) => `${name} ${load?.before.toFixed(1)} → ${load?.after.toFixed(1)}`)
      .join('; ')}; ${loadavg()[0].toFixed(1)} at the end of the run.`,
    '',
    '| benchmark | ours | baseline | ratio | target | pass |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${cell(row.benchmark)} | ${cell(row.ours)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${cell(row.target)} | ${row.pass ? 'yes' : '**no**'} |`,
    ),
  ];
  const notes = rows.filter((row) => row.note);
  if (notes.length > 0) lines.push('', ...notes.map((row) => `- **${cell(row.benchmark)}**: ${row.note}`));
  const missed = rows.filter((row) => !row.pass);
  if (missed.length > 0) {
    lines.push(
      '',
      '### Targets missed in this run',
      '',
      ...missed.map(
        (row) =>
          `- **${cell(row.benchmark)}**: ${cell(row.ours)}${hasRatio(row) ? ` (ratio ${cell(row.ratio)})` : ''} against ${cell(row.target)}` +
          `${row.missedBy ? ` (missed by ${row.missedBy})` : ''}. ${row.dominates ? `What dominates: ${row.dominates}` : 'See its note above.'}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Replaces the section that starts with `heading` (up to the next "## " heading) in `path`, or
 * appends it; everything else in the file is left as it is.
 */
export function writeSection(path, heading, section) {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n';
  const start = text.indexOf(`${heading}\n`);
  const body = section.endsWith('\n') ? section : `${section}\n`;
  let next;
  if (start === -1) {
    next = `${text.trimEnd()}\n\n${body}`;
  } else {
    const end = text.indexOf('\n## ', start + heading.length);
    next = text.slice(0, start) + body + (end === -1 ? '' : `\n${text.slice(end + 1)}`);
  }
  writeFileSync(path, next);
}

/** Whether a row has a ratio worth quoting beside its figure (some rows have none: `—`). */
function hasRatio(row) {
  return row.ratio !== undefined && row.ratio !== null && String(row.ratio) !== '—';
}
