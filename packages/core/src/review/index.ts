export * from './data';
export * from './analyse';
export * from './format';
export * from './cloudwatch-queries';
export * from './audit';
export * from './gate';
export * from './exclusions';
