export * from './windows';
export { instantOf, wallClockAt, type WallClock } from './zone';
export * from './application-signals';
