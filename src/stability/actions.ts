export const ACTIONS = ['warn', 'stop', 'fail'] as const;
/** What a finding does: log it, stop training gracefully, or stop and make `model.fit` reject. */
export type Action = (typeof ACTIONS)[number];
