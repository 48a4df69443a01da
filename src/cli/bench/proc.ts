import { readdirSync, readFileSync } from "node:fs";

/**
 * What `bench e2e` reads about the network's processes from Linux's /proc: resident memory
 * (`VmRSS` of /proc/PID/status) and CPU time (utime + stime of /proc/PID/stat). A process that
 * has gone (or a system without /proc) reads as undefined, never as an error.
 */

/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on every Linux Node supports). */
const USER_HZ = 100;

/** Resident set size in MiB, or undefined when the process is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** User plus system CPU time in ms, or undefined when the process is gone. */
export function cpuMs(pid: number): number | undefined {
  const f = statFields(pid);
  // After the name: state(3) ppid(4) … utime(14) stime(15), so indices 11 and 12 here.
  if (f === undefined || f.length < 13) return undefined;
  return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
}

/** The processes whose parent is `pid` (the enclave process of a consensus-service). */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f !== undefined && Number(f[1]) === pid) found.push(Number(entry));
  }
  return found;
}
