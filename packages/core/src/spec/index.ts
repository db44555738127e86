export { loadSpecTexts, KINDS, type SpecText } from './load';
export { loadSpecFiles, loadSpecFilesSync, listSpecFiles, SPEC_EXTENSIONS, type SpecFileList } from './files';
export {
  formatDiagnostic,
  countDiagnostics,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticSeverity,
} from './diagnostics';
export type { SpecSet, ServiceSpec, DataSourceSpec, NotificationTargetSpec } from './types';
export { MAX_METRICS_PER_ALARM, CLOUDWATCH_UNITS, statisticProblem, expressionIds } from './cloudwatch';
export { SRE_KIT_ANNOTATIONS } from './openslo';
export { SLOTH_DEFAULT_PERIOD_SECONDS } from './sloth';
export { promqlSyntaxError, type PromqlSyntaxError, type PromqlTemplate } from './promql-syntax';
export { isEmail } from './alert-routing';
export { suggestion, closest } from './suggest';
