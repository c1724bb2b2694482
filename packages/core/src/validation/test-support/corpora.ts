/**
 * Test support: reads the shared security corpora from `../shared/corpora/` next to the repository.
 */
export { loadCorpus } from "../../../../../test/support/corpora.js";
