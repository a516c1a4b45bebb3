export { startDriver, type Driver } from './driver.js';
export { runSingle, TICKET_TIMEOUT_MS, type SingleRunOptions, type RunnerEventKind } from './run-single.js';
export { runFile, parseServicesFile, type FileRunOptions, type FileRunResult } from './run-file.js';
export { describeResult, resultDetail, resultFromRefusal, resultFromTicket, type ServiceResult } from './service-result.js';
export { servicesExitCode } from './exit-code.js';
export type { DriverMode, RunMode, StopLimits } from './driver-mode.js';
export { DriverRun, type DriverRunOptions, type QueueItem, type QueueStatus, type RunOutcome, type RunProgress } from './driver-run.js';
export * from './types.js';
export { whyNoRequest, whyNoStop, type RequestGate } from './intent-gates.js';
