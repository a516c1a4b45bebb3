export * from './events.js';
export * from './store.js';
export * from './counters.js';
export * from './role.js';
export { busStatusText } from './bus-status.js';
