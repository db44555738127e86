export { renderGrafanaDashboard, type GrafanaRenderOptions } from './dashboard';
export { buildPanel, buildPanels, splitPos, GRAFANA_UNITS, alarmConsoleUrl, timeFrom } from './panels';
export { thresholdSteps } from './thresholds';
export { CLOUDWATCH_VARIABLE, PROMETHEUS_VARIABLE, CLOUDWATCH, PROMETHEUS, MIXED } from './datasources';
export { validateGrafanaDashboard, mathReferences, MIN_SCHEMA_VERSION, type ValidateOptions } from './validate';
export { provisioningFiles, type ProvisioningOptions, type GeneratedFile } from './provisioning';
export {
  REGION_VARIABLE,
  ENVIRONMENT_VARIABLE,
  ENVIRONMENT_DIMENSION,
  environmentOf,
  withEnvironmentVariable,
} from './variables';
