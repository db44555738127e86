export * from './generate';
export * from './run';
export * from './format';
