export * from './scenario';
export * from './run';
export * from './format';
