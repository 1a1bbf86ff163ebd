/**
 * Making text from elsewhere (the platform, a peer, a plugin's setup.sh, an error message that
 * quotes them) safe to print on a terminal and in logs.
 */

/** ESC sequences: CSI (`ESC [ ... final`), OSC/DCS/APC/PM/SOS strings up to their terminator, and two-byte escapes. */
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b[\]PX^_][\s\S]*?(?:\u0007|\u001b\\|$)|\u009b[0-?]*[ -/]*[@-~]?|[\u009d\u0090\u0098\u009e\u009f][\s\S]*?(?:\u0007|\u009c|\u001b\\|$)|\u001b[\s\S]?/g;

/**
 * Control characters a terminal acts on (C0 but tab and newline, DEL, C1) and the bidirectional
 * overrides and isolates that make a line display differently from what it contains.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `scheme://user:password@host` and `scheme://token@host`: the part before `@` is a credential. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** `text` with the credentials of any URL in it replaced by `***` (`https://***@host/...`). */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@');
}

/**
 * `text` ready for a terminal: escape sequences removed, other control characters and bidi
 * overrides removed (tab and newline stay), and URL credentials masked. Text the platform or a
 * plugin sent could otherwise move the cursor, rewrite earlier lines, set the window title, or
 * hide what it really says.
 */
export function terminalText(text: string): string {
  return redactUrlCredentials(text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, ''));
}

/**
 * `JSON.stringify(value)` safe for a terminal: JSON already escapes C0 characters, and this also
 * escapes C1 controls and bidi overrides (as `\uXXXX`, so the JSON means the same), and masks URL
 * credentials in strings.
 */
export function terminalJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? redactUrlCredentials(item) : item,
  );
  if (json === undefined) return 'null';
  return json.replace(
    /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
