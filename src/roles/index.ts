export * from './central/index.js';
export * from './cp/index.js';
export * from './driver/index.js';
export * from './demo/index.js';
export * from './shared/index.js';
