#!/usr/bin/env node
import { resolve } from 'node:path';
// Runs a TypeScript entry point (scripts/*.ts) without a build step: `node bin/run-ts.js FILE [args]`.
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bin/run-ts.js FILE.ts [args]\n');
  process.exit(2);
}
process.argv = [process.argv[0], resolve(file), ...rest];
await import(pathToFileURL(resolve(file)).href);
