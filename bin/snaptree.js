#!/usr/bin/env node
// The `snaptree` command: runs the built CLI (electron/cli), building it first if needed.
import { buildOnce } from './build-once.js';

buildOnce();
await import('../out/main/cli.js');
