export * from './scenario';
export * from './traffic';
export * from './run';
export * from './format';
export * from './metric-math';
export * from './alarm-rule';
export * from './cloudwatch-alarms';
