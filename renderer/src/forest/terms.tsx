import { Term } from '../i18n/Term';

/**
 * The terms the forest's sentences mark (`<overlay>overlays</overlay>` in the catalogue),
 * for <Trans components>: each becomes a Term around the sentence's own words.
 */
export const FOREST_TERMS = {
  overlay: <Term name="overlay" />,
  backingFile: <Term name="backingFile" />,
  activeLayer: <Term name="activeLayer" />,
  internal: <Term name="internal" />,
};
