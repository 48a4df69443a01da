import type { ValidatorAction, ValidatorInput } from "../consensus/index.js";

/**
 * What the driver tells observers (metrics, the SCP debug dump) around each validator step:
 * `observeInput` before `validator.handle(input)`, `observeActions` with what it returned (and
 * with what `tick` returned). Observers only read; they never change what the node does.
 */
export interface ValidatorObserver {
  observeInput(input: ValidatorInput): void;
  observeActions(actions: readonly ValidatorAction[]): void;
}

/** One observer that tells each of `list` in order; absent ones (a dump not enabled) are skipped. */
export function fanOutObserver(
  ...list: readonly (ValidatorObserver | undefined)[]
): ValidatorObserver {
  const present = list.filter((o): o is ValidatorObserver => o !== undefined);
  return {
    observeInput(input) {
      for (const o of present) o.observeInput(input);
    },
    observeActions(actions) {
      for (const o of present) o.observeActions(actions);
    },
  };
}
