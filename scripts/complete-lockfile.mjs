#!/usr/bin/env node
// The npm registry reachable from our machines serves only some platforms' builds of packages that
// ship native binaries as optional dependencies (biome, buf). npm then leaves the other platforms
// out of package-lock.json, and `npm ci` refuses the lock as "out of sync". This script adds those
// entries back, tagged with the os/cpu/libc their names state, so `npm ci` skips them on this
// platform without fetching anything. Run it after any `npm install` that rewrites the lock:
//   node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;

const OS = ["android", "darwin", "linux", "win32", "freebsd", "openbsd", "netbsd", "sunos", "aix"];
const CPU = {
  arm64: "arm64",
  aarch64: "arm64",
  x64: "x64",
  armv7: "arm",
  arm: "arm",
  ia32: "ia32",
  ppc64le: "ppc64",
  ppc64: "ppc64",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
};

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find((c) => c !== undefined);
  if (os === undefined || cpu === undefined) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (parts.includes("musl")) platform.libc = ["musl"];
  else if (os === "linux" && parts.includes("gnu")) platform.libc = ["glibc"];
  return platform;
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  if (!key.startsWith("node_modules/") || entry.optionalDependencies === undefined) continue;
  for (const [dep, version] of Object.entries(entry.optionalDependencies)) {
    const depKey = `node_modules/${dep}`;
    if (packages[depKey] !== undefined) continue;
    const platform = platformOf(dep);
    if (platform === undefined) {
      console.error(`complete-lockfile: cannot infer the platform of ${dep}; leaving it out`);
      continue;
    }
    packages[depKey] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}

lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) =>
    a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
