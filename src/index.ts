// The ESM entry: classes, types and pure helpers. Importing it registers nothing.
export * from './core/index.js';
export type * from './adapter/types.js';
