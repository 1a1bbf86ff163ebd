#!/usr/bin/env node
// A committed entry so the workspace can link the command before the first build; the CLI itself is built to dist/.
import '../dist/node/cli.js';
