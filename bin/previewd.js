#!/usr/bin/env node
// The installed entry point: the compiled CLI (`npm run build` makes dist/).
import '../dist/cli/run.js';
