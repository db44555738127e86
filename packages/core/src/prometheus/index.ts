export * from './promql';
export * from './rules';
export * from './file';
export * from './windows';
