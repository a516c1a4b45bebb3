export { startDriver, type Driver } from './driver.js';
export { runSingle, type SingleRunOptions, type RunnerEventKind } from './run-single.js';
export { runFile, parseServicesFile, type FileRunOptions, type FileRunResult } from './run-file.js';
export { describeResult, resultFromTicket, type ServiceResult } from './service-result.js';
export * from './types.js';
