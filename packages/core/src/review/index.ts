export * from './data';
export * from './analyse';
export * from './format';
