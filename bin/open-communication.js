#!/usr/bin/env node
// `npx open-communication serve [options]`: the service from the installed package's compiled
// JavaScript (no TypeScript loader needed). `--help` lists the options.
import '../dist/lib/mock-server/main.js';
