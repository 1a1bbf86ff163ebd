import { computePluginManifestHash } from '@molecule-ai/agent-core/plugins';

/** The plugin the embedded platform serves: a few skills, a word list and a setup.sh. */
export const DEMO_PLUGIN_NAME = 'hello-tools';

/** One file of the plugin: text or bytes, and its mode. */
export interface DemoPluginFile {
  content: string | Uint8Array;
  mode: number;
}

const SETUP_SH = `#!/usr/bin/env bash
# Runs after the plugin is verified and swapped in, with a scrubbed environment.
set -euo pipefail
echo "setting up ${DEMO_PLUGIN_NAME} in $PLUGIN_DIR"
for skill in "$PLUGIN_DIR"/skills/*.md; do
  echo "  skill ready: $(basename "$skill" .md)"
  sleep 0.1
done
words=$(wc -l < "$PLUGIN_DIR/data/words.txt" | tr -d ' ')
echo "indexed $words words"
echo "greeting from the workspace secrets: \${DEMO_GREETING:-<not passed>}"
echo "workspace token visible to setup.sh: \${MOLECULE_WORKSPACE_TOKEN:+yes}\${MOLECULE_WORKSPACE_TOKEN:-no}"
date -u +%FT%TZ > "$PLUGIN_DIR/.installed-at"
echo "done"
`;

const SKILLS: Record<string, string> = {
  greet: '# greet\n\nSay hello to whoever wrote, by name when the message has one.\n',
  summarize: '# summarize\n\nCondense a message into three bullet points.\n',
  translate: '# translate\n\nTranslate a short text into English.\n',
};

/** Deterministic filler so the archive is big enough for the progress bar to mean something. */
function wordList(count: number): string {
  const syllables = ['mo', 'le', 'cu', 'la', 'ri', 'ta', 'ne', 'so', 'vi', 'ka', 'du', 'ze', 'po', 'fi'];
  let seed = 0x2545f491;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 16;
  };
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 2 + (next() % 3);
    let word = '';
    for (let s = 0; s < length; s++) word += syllables[next() % syllables.length];
    words.push(`${word} ${next() % 1000}`);
  }
  return `${words.join('\n')}\n`;
}

/**
 * The plugin's files, with `plugin.yaml` carrying the content hash the installer verifies (the
 * Python SDK's scheme, computed by `computePluginManifestHash`).
 */
export async function demoPluginFiles(): Promise<Record<string, DemoPluginFile>> {
  const files: Record<string, DemoPluginFile> = {
    'setup.sh': { content: SETUP_SH, mode: 0o755 },
    'data/words.txt': { content: wordList(30_000), mode: 0o644 },
    'README.md': {
      content: `# ${DEMO_PLUGIN_NAME}\n\nA tiny plugin for the Molecule remote-agent demo.\n`,
      mode: 0o644,
    },
  };
  for (const [name, text] of Object.entries(SKILLS))
    files[`skills/${name}.md`] = { content: text, mode: 0o644 };
  const encoder = new TextEncoder();
  const sha256 = await computePluginManifestHash(
    Object.entries(files).map(([path, file]) => ({
      path,
      bytes: typeof file.content === 'string' ? encoder.encode(file.content) : file.content,
    })),
  );
  files['plugin.yaml'] = {
    content:
      `name: ${DEMO_PLUGIN_NAME}\nversion: 1.0.0\n` +
      `description: Three small skills and a word list\nsha256: ${sha256}\n`,
    mode: 0o644,
  };
  return files;
}
