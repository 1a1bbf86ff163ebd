import { createPlatformSim } from '@molecule-ai/platform-sim';
import { folderPluginSource, startPlatformServer } from '@molecule-ai/platform-sim/node';

const sim = createPlatformSim({ devMode: true, pluginSource: folderPluginSource('./plugins') });
const server = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' }); // defaults: 0, 127.0.0.1
server.url; // http://127.0.0.1:PORT
await server.close(); // stops listening and drops open connections
