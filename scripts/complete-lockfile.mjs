#!/usr/bin/env node
// Records the other platforms' optional binaries (@biomejs/cli-*, @node-rs/jieba-*) in package-lock.json.
// The registry this project installs from only carries the linux-x64 builds of some of them, so npm leaves
// them out of the lock, and then `npm ci` refuses the lock ("Missing: @biomejs/cli-darwin-x64@ from lock
// file") although it would never install them here. Each gets an entry with its platform (read from its
// name), which `npm ci` skips as not for this machine. Run it after any `npm install` that rewrites the
// lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = { android: 'android', darwin: 'darwin', freebsd: 'freebsd', linux: 'linux', win32: 'win32' };
const CPU = { arm64: 'arm64', x64: 'x64', ia32: 'ia32', arm: 'arm', universal: null };

function platformOf(name) {
  const parts = name.split('/').at(-1).split('-');
  const os = parts.find((p) => p in OS);
  const cpu = parts.find((p) => p in CPU);
  if (!os) return null;
  const record = { os: [OS[os]] };
  if (cpu && CPU[cpu]) record.cpu = [CPU[cpu]];
  if (os === 'darwin' && cpu === 'universal') record.cpu = ['x64', 'arm64'];
  if (parts.includes('musl')) record.libc = ['musl'];
  else if (os === 'linux' && parts.some((p) => p.startsWith('gnu'))) record.libc = ['glibc'];
  return record;
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    if (packages[`${path}/node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+$/.test(range)) {
      process.stderr.write(
        `complete-lockfile: left out ${name}@${range} (no platform in its name or not an exact version)\n`,
      );
      continue;
    }
    // Keys in npm's own order (version, then the rest alphabetically), so a later `npm install`
    // leaves the lock as it is.
    const rest = { ...platform, ...(entry.dev ? { dev: true } : {}), optional: true };
    packages[`node_modules/${name}`] = {
      version: range,
      ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
process.stderr.write(`complete-lockfile: added ${added} optional platform packages\n`);
