import { readdirSync, readFileSync } from "node:fs";

/**
 * Processes other than this one whose command line mentions `needle` (a test's private
 * directory), from /proc; zombies awaiting their reaper count as gone.
 */
export function processesMentioning(needle: string): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (/^State:\s+Z/m.test(status)) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmdline.includes(needle)) out.push({ pid: Number(entry), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** SIGKILL every process mentioning `needle`: what a failed test left behind. */
export function killProcessesMentioning(needle: string): void {
  for (const { pid } of processesMentioning(needle)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
