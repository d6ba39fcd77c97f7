/** The monitor was used in a way tfjs cannot serve (wrapped as a plain callback, bad probe, missing Node…). */
export class MonitorSetupError extends Error {
  override name = 'MonitorSetupError';
}
