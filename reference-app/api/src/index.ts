export { loadConfig, type Config } from './config';
export { createContext, type Context } from './context';
export { startApp, type RunningApp } from './server';
export { createApp, CONTENT_SECURITY_POLICY } from './http/app';
export * from './domain/ports';
export * from './domain/types';
