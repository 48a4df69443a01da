/** True when `root`/dist was built from the sources as they are now (see dist-fresh.mjs). */
export function distIsFresh(root: string, env?: Record<string, string | undefined>): boolean;
/** Run one executable's main: from dist when fresh, else the TypeScript sources through tsx. */
export function runMain(root: string, name: string): Promise<void>;
