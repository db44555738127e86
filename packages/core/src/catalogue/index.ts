export { ALARM_CATALOGUE, catalogueFor, catalogueEntry } from './data';
export { AWS_RECOMMENDED } from './shared';
export { resolveAlarms, resolveThreshold, catalogueMetrics, catalogueProperties, runbookUrlFor } from './resolve';
export { catalogueMarkdown, CATALOGUE_MARKDOWN_HEADER } from './markdown';
export { catalogueEntryProblems, FAMILY_NAME, type CatalogueEntryProblem } from './validate';
export type { CatalogueLookup } from './resolve';
