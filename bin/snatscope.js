#!/usr/bin/env node
// Runs the compiled CLI (npm ci / npm install build it); falls back to the TypeScript sources
// through tsx when dist/ has not been built yet.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../cli/main.ts', import.meta.url).href);
}
