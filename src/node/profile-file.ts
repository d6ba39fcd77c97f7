import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFeatureLog } from '../parity/feature-log.js';
import { QualityInputError } from '../quality/errors.js';
import { mergeProfiles, ProfileBuilder, type ReferenceProfile } from '../quality/profile.js';
import { parseProfile } from '../quality/profile-schema.js';

/**
 * Writes a profile as compact JSON. It goes to a temporary file renamed over the target, so a
 * crash or a full disk never leaves half a profile where a good one was.
 */
export function saveProfile(path: string, profile: ReferenceProfile | ProfileBuilder): void {
  const json = profile instanceof ProfileBuilder ? profile.toJSON() : profile;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(json) + '\n');
  renameSync(tmp, path);
}

/** Reads and checks a profile file; errors name the file and the bad field. */
export function readProfile(path: string): ReferenceProfile {
  if (!existsSync(path)) throw new QualityInputError(`reference profile ${path} does not exist: save one after training with saveProfile`);
  if (statSync(path).isDirectory()) throw new QualityInputError(`reference profile ${path} is a directory, not a profile file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new QualityInputError(`reference profile ${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseProfile(json, `reference profile ${path}`);
}

/** Merges profile files of shards (profiled in parallel with the same options) into one. */
export function mergeProfileFiles(paths: readonly string[]): ReferenceProfile {
  return mergeProfiles(paths.map(readProfile));
}

/**
 * Adds the training examples of a parity feature log (FeatureSet.logTraining) to a profile,
 * streamed. Records that broke the input schema count as violations; malformed lines are
 * counted and returned with the first few line numbers.
 */
export async function profileTrainingLog(builder: ProfileBuilder, path: string): Promise<{ records: number; malformed: number; lines: { line: number; error: string }[] }> {
  let records = 0;
  let malformed = 0;
  const lines: { line: number; error: string }[] = [];
  for await (const entry of readFeatureLog(path)) {
    if ('error' in entry) {
      malformed++;
      if (lines.length < 20) lines.push({ line: entry.line, error: entry.error });
      continue;
    }
    records++;
    builder.addTraining(entry.record.features);
  }
  return { records, malformed, lines };
}
