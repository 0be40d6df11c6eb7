/** Bootstrap resamples of the Sobol and Morris intervals unless told otherwise (`sapient analyze --bootstrap`). */
export const DEFAULT_BOOTSTRAP = 1000;
