/** The Prometheus metrics of the serving monitor; every one carries the version labels below. */
export const SERVING_METRICS = {
  /** Histogram, seconds, calls that returned. */
  duration: 'tfjs_monitor_serving_request_duration_seconds',
  /** Counter: every call, returned or thrown. */
  requests: 'tfjs_monitor_serving_requests_total',
  /** Counter: calls that threw (the error was rethrown to the caller). */
  errors: 'tfjs_monitor_serving_errors_total',
  /** Counter: checked calls whose outputs held NaN or ±Infinity. */
  nonFinite: 'tfjs_monitor_serving_non_finite_outputs_total',
  /** Counter: calls whose outputs were checked (all of them on cpu/wasm by default). */
  checks: 'tfjs_monitor_serving_output_checks_total',
  /** Counter: examples (first input dimension) in calls that returned. */
  examples: 'tfjs_monitor_serving_examples_total',
  /** Gauge: calls in flight. */
  inFlight: 'tfjs_monitor_serving_in_flight_requests',
  /** Gauge, no version labels: tensors held by tfjs in this process (tf.memory()). */
  tensors: 'tfjs_monitor_serving_tensors',
  /** Gauge, no version labels: bytes of those tensors. */
  tensorBytes: 'tfjs_monitor_serving_tensor_bytes',
} as const;

export const VERSION_LABELS = ['model', 'model_version', 'code_version', 'data_version'] as const;

/** Latency buckets in seconds, from 0.25 ms (a small model on wasm) to 10 s. */
export const DEFAULT_LATENCY_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
