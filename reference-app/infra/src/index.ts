export { buildGoodGreets } from './app';
export type { GoodGreetsStacks } from './app';
export { readConfig } from './config';
export type { GoodGreetsConfig } from './config';
