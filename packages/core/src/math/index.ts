export * from './budget';
export * from './policy';
export * from './detection';
export * from './evaluate';
export * from './cloudwatch-window';
export * from './error-ratio-query';
export * from './slo-alarms';
export * from './explain';
