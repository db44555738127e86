export * from './model/slo';
export * from './model/alarms';
export * from './model/dashboard';
export * from './duration';
export * from './math';
export * from './catalogue';
export * from './review';
export * from './cost';
