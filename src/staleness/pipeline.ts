import { z } from 'zod';
import { parseOptions } from '../options/validate.js';

/** The stages a model version passes through, in order, from data to production. */
export const DEFAULT_STAGES = ['data_snapshot', 'features', 'train_start', 'train_end', 'validate', 'export', 'deploy'] as const;

const stageName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a stage name of lowercase letters, digits and _');

export const pipelineSchema = z
  .array(stageName)
  .min(1)
  .refine((stages) => new Set(stages).size === stages.length, 'stage names must be unique')
  .refine((stages) => stages.includes('deploy'), "the last step to production must be a stage named 'deploy'");

/** A stage that is not in the pipeline. */
export class UnknownStageError extends Error {
  override name = 'UnknownStageError';
}

/** An ordered list of stage names, validated. */
export class Pipeline {
  readonly stages: readonly string[];

  constructor(stages: readonly string[] = DEFAULT_STAGES) {
    this.stages = parseOptions(pipelineSchema, [...stages], 'pipeline stages');
  }

  indexOf(stage: string): number {
    const i = this.stages.indexOf(stage);
    if (i < 0) {
      throw new UnknownStageError(`unknown stage ${JSON.stringify(stage)}; the pipeline's stages are: ${this.stages.join(', ')}`);
    }
    return i;
  }
}
