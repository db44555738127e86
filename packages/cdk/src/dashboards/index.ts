// Free functions are invisible to jsii; the construct and its props are jsii-safe. Model-typed options and the
// body types are exported from this module only (jsii rejects union types in exported interfaces).
export { renderCloudWatchDashboardBody, renderWidget } from './body';
export { SreDashboards, sreDashboards, type SreDashboardsProps } from './construct';
