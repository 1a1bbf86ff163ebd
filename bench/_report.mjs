// bench/RESULTS.md is shared: every writer owns one "## " section and replaces only that section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const cell = (text) => String(text ?? '').replaceAll('|', '\\|');

/** The heading of the section that `node bench/run.mjs` owns. */
export const RUN_SECTION = '## All benchmarks (`node bench/run.mjs`)';

/** The body of the run.mjs section: one table of every row, then the notes. */
export function formatResults(rows, { quick }) {
  const lines = [
    RUN_SECTION,
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} CPU(s)` +
      `${quick ? ', quick mode (fewer iterations, noisier)' : ''}.`,
    'Ratios are ours / baseline measured in the same run; lower is better.',
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
