export const ACTIONS = ['warn', 'stop', 'fail'] as const;
/** What a finding does: log it, stop training gracefully, or stop and make `model.fit` reject. */
export type Action = (typeof ACTIONS)[number];

/** For NaN/Infinity only: also restore the last weights that passed the checks before stopping. */
export type FindingAction = Action | 'rollback-and-stop';
