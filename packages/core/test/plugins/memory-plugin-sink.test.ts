import { describe, it } from 'vitest';
import { createMemoryPluginSink } from '../../src/testing/memory-plugin-sink.js';
import { testPluginSink } from '../../src/testing/plugin-sink-contract.js';

// The reference sink passes the contract every runtime's sink is held to.
testPluginSink({ describe, it }, async () => {
  const sink = createMemoryPluginSink();
  return {
    sink,
    async readTree(path) {
      const tree = sink.installed(path.replace('memory://plugins/', ''));
      const out: Record<string, string> = {};
      for (const [file, node] of tree ?? [])
        if (node.kind === 'file') out[file] = new TextDecoder().decode(node.data);
      return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
    },
  };
});
