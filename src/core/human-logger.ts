import { describePosition, type FindingBase } from './findings.js';
import { fmt } from './format-number.js';
import type { Logger } from './logger.js';

type Write = (text: string, level: 'info' | 'warn' | 'error') => void;

/** One line for a person: an epoch's figures, a finding, progress, or the message as it is. */
function line(obj: Record<string, unknown>, msg: string | undefined): string {
  const event = obj['event'];
  if (event === 'tfjs-monitor.epoch') {
    const parts = [
      `epoch ${Number(obj['epoch']) + 1}${obj['epochs'] ? `/${obj['epochs']}` : ''}`,
      obj['loss'] === null || obj['loss'] === undefined ? null : `loss ${fmt(obj['loss'] as number)}`,
      typeof obj['ms'] === 'number' ? `${(obj['ms'] / 1000).toFixed(1)} s` : null,
      typeof obj['examplesPerSecond'] === 'number' ? `${Math.round(obj['examplesPerSecond'])} ex/s` : null,
      `${obj['findings']} finding(s)`,
    ];
    return `tfjs-monitor: ${parts.filter(Boolean).join(' · ')}`;
  }
  if (event === 'tfjs-monitor.finding') {
    const f = obj['finding'] as FindingBase;
    return `tfjs-monitor: ${f.action === 'warn' ? 'warning' : f.action.toUpperCase()}: ${msg ?? `${f.kind} at ${describePosition(f)}: ${f.message}`}`;
  }
  return `tfjs-monitor: ${msg ?? String(event ?? '')}`;
}

/**
 * The logger for a person at a terminal (or a browser console): one readable line per epoch
 * (verbose 1), progress on long epochs, and every finding, warning and error whatever the verbosity.
 */
export function humanLogger(write: Write, verbose: 0 | 1): Logger {
  return {
    debug: () => {},
    info: (obj, msg) => {
      if (verbose >= 1) write(line(obj as Record<string, unknown>, msg), 'info');
    },
    warn: (obj, msg) => write(line(obj as Record<string, unknown>, msg), 'warn'),
    error: (obj, msg) => write(line(obj as Record<string, unknown>, msg), 'error'),
  };
}
