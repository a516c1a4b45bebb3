export * from './ids.js';
export * from './money.js';
export * from './envelope.js';
export * from './payloads.js';
export * from './messages.js';
export * from './decode.js';
export * from './encode.js';
export * from './denials.js';
