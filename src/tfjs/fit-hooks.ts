/**
 * Hooks into the end of a tfjs `fit`/`fitDataset`, past what callbacks can see. tfjs skips every
 * callback's `onTrainEnd` when a fit throws, and skips the `onTrainEnd` of the callbacks after
 * one that throws; these two hooks are how the monitor cleans up and fails a job regardless.
 */

interface TrainableModel {
  isTraining?: boolean;
  history?: { syncData(): Promise<void> };
}

/**
 * Runs `cleanup` when tfjs ends the fit in progress on `model`, however it ends: tfjs sets
 * `model.isTraining = false` in the `finally` of both fit and fitDataset, before their promise
 * settles. Returns a function that detaches the hook without running it.
 */
export function onFitSettled(model: object, cleanup: () => void): () => void {
  const target = model as TrainableModel;
  let value = target.isTraining;
  const detach = () => {
    Object.defineProperty(target, 'isTraining', { value, writable: true, configurable: true, enumerable: true });
  };
  Object.defineProperty(target, 'isTraining', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: boolean) => {
      value = next;
      if (next !== false) return;
      detach();
      try {
        cleanup();
      } catch {
        // Never let cleanup replace tfjs's own outcome: this runs inside fit's `finally`.
      }
    },
  });
  return detach;
}

/**
 * Makes the fit in progress reject with `error` once every callback's `onTrainEnd` has run: tfjs
 * calls `history.syncData()` right after them, and that is where the error is raised (after the
 * sync, so History's log scalars are not leaked). Returns false when the model has no History
 * (the caller then throws itself).
 */
export function failAfterCallbacks(model: object, error: unknown): boolean {
  const history = (model as TrainableModel).history;
  if (!history || typeof history.syncData !== 'function') return false;
  const sync = history.syncData;
  history.syncData = async function (this: unknown) {
    delete (history as { syncData?: unknown }).syncData; // back to the prototype's
    await sync.call(history);
    throw error;
  };
  return true;
}
