/**
 * Grafana panels reach their data sources through dashboard variables (`${cloudwatch}`,
 * `${prometheus}`), so one dashboard file works in every Grafana whatever its data source uids.
 */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

export const CLOUDWATCH_VARIABLE = 'cloudwatch';
export const PROMETHEUS_VARIABLE = 'prometheus';

export const CLOUDWATCH: DataSourceRef = { type: 'cloudwatch', uid: `\${${CLOUDWATCH_VARIABLE}}` };
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: `\${${PROMETHEUS_VARIABLE}}` };
/** Grafana's built-in data source for panels whose targets use different data sources. */
export const MIXED: DataSourceRef = { type: 'datasource', uid: '-- Mixed --' };
