/** The few ANSI escape sequences the live view needs; colours switch off with `NO_COLOR`. */
export interface Ansi {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;

/** Styles for a colour terminal, or identity functions when `color` is false. */
export function createAnsi(color: boolean): Ansi {
  if (!color) {
    const plain = (text: string): string => text;
    return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';
/** Moves to the start of the line `n` lines up and clears from there to the end of the screen. */
export function eraseLinesAbove(n: number): string {
  return n > 0 ? `\x1b[${n}F\x1b[J` : '\r\x1b[J';
}
