/** A profile, a log or an option that cannot be used as given: the message says which, where and what to do. */
export class QualityInputError extends Error {
  override name = 'QualityInputError';
}

/** The reference and the served data do not have the same features. */
export class FeatureSetMismatchError extends QualityInputError {
  override name = 'FeatureSetMismatchError';
  constructor(
    /** In the reference, never seen in the served data. */
    readonly missing: string[],
    /** Served, unknown to the reference. */
    readonly extra: string[],
    where: string,
  ) {
    const list = (xs: string[]) => (xs.length > 12 ? `${xs.slice(0, 12).join(', ')} and ${xs.length - 12} more` : xs.join(', '));
    const parts = [missing.length ? `missing from the served data: ${list(missing)}` : '', extra.length ? `not in the reference: ${list(extra)}` : ''];
    super(
      `the served features in ${where} are not the reference's: ${parts.filter(Boolean).join('; ')}. ` +
        'Profile the reference with the same feature definition the server uses, or serve the features the model was trained on.',
    );
  }
}
