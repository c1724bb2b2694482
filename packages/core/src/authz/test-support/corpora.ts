/**
 * TEST ONLY: reads the shared attack corpora (kept beside the repository, in `../shared/corpora`).
 */
export { loadCorpus as readCorpus } from "../../../../../test/support/corpora.js";
