import { describe, expect, it } from 'vitest';
import { createJsonView } from '../src/view/json-view.js';
import { createPlainView } from '../src/view/plain-view.js';
import type { Step } from '../src/view/step.js';
import { createTtyView } from '../src/view/tty-view.js';

function collector(columns = 80): { write(text: string): void; columns: number; text: () => string } {
  let written = '';
  return {
    columns,
    write(text: string) {
      written += text;
    },
    text: () => written,
  };
}

function step(overrides: Partial<Step> = {}): Step {
  return {
    id: 'plugin',
    index: 5,
    title: 'Install the plugin hello-tools',
    status: 'running',
    startedAt: 1_000,
    ms: 0,
    summary: 'downloading',
    details: [],
    output: [],
    progress: null,
    data: {},
    ...overrides,
  };
}

describe('the terminal view', () => {
  it('redraws the running step in place and leaves the finished one on screen', () => {
    const out = collector();
    const view = createTtyView(out, { color: false, now: () => 1_500 });
    view.intro({ mode: 'simulator', runtime: 'node' });
    const running = step();
    view.stepStarted(running);
    running.progress = { label: 'downloading', fraction: 0.5, text: '60 KB / 120 KB' };
    running.output.push('setting up');
    view.stepUpdated(running);
    Object.assign(running, { status: 'ok', ms: 640, summary: '7 files', progress: null });
    view.stepFinished(running);
    view.close();

    const text = out.text();
    expect(text.startsWith('\x1b[?25l')).toBe(true); // cursor hidden while live
    expect(text.endsWith('\x1b[?25h')).toBe(true); // and shown again
    expect(text).toContain('500 ms'); // elapsed while running
    expect(text).toContain('████████████░░░░░░░░░░░░  50%  60 KB / 120 KB');
    // The second frame (spinner line, bar, one output line) erased the first one (one line).
    expect(text).toContain('\x1b[1F\x1b[J');
    // The last thing before the cursor comes back: the finished step, nothing live under it.
    const finished = text.slice(text.lastIndexOf('\x1b[J') + 3);
    expect(finished).toBe(
      '✓  5. Install the plugin hello-tools       640 ms  7 files\n      │ setting up\n\x1b[?25h',
    );
  });

  it('never lets a live line wrap (that would break the redraw)', () => {
    const out = collector(30);
    const view = createTtyView(out, { color: true, now: () => 1_000 });
    view.stepStarted(step({ summary: 'x'.repeat(200) }));
    view.close();
    const visible = out
      .text()
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|\r/g, '')
      .split('\n')
      .filter((line) => line !== '');
    expect(visible.length).toBeGreaterThan(0);
    for (const line of visible) expect(line.length).toBeLessThanOrEqual(29);
  });
});

describe('the plain and JSON views', () => {
  it('plain: one block per finished step, no escape codes', () => {
    const out = collector();
    const view = createPlainView(out);
    const s = step({ status: 'skipped', summary: 'set MOLECULE_DEMO_PLUGIN', details: ['why'] });
    view.stepStarted(s);
    view.stepFinished(s);
    expect(out.text()).toBe(
      '–  5. Install the plugin hello-tools      skipped  set MOLECULE_DEMO_PLUGIN\n      · why\n',
    );
  });

  it('json: one object per line with the step facts', () => {
    const out = collector();
    const view = createJsonView(out);
    view.stepFinished(step({ status: 'ok', ms: 12.4, data: { files: 7 } }));
    expect(JSON.parse(out.text())).toMatchObject({
      type: 'step',
      id: 'plugin',
      status: 'ok',
      ms: 12,
      data: { files: 7 },
    });
    expect(out.text().endsWith('\n')).toBe(true);
  });
});
