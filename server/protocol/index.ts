export * from './errors';
export * from './client-frames';
export * from './server-frames';
export * from './limits';
export * from './track';
export * from './parse';
