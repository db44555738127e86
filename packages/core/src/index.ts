export * from './model/slo';
export * from './model/alarms';
export * from './model/dashboard';
export * from './duration';
