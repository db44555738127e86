export * from './prices';
export * from './inventory';
export * from './estimate';
export * from './viewing';
