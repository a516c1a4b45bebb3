export { startCentral, type Central } from './central.js';
export { activeSummary, leadershipLine, readOnlyRefusal } from './leadership.js';
export { deriveState } from './cp-table.js';
export { denialFor } from './authorization.js';
export { parseOperatorLine, OPERATOR_HELP, type OperatorCommand } from './operator-parser.js';
export { OperatorSession, runOperatorLine, statusTable } from './operator-run.js';
export { describeForget, nothingToForget, planForget, type ForgetPlan } from './forget.js';
export * from './types.js';
export { AUDIT_VIEW_CAPACITY, type AuditSnapshot, type AuditView } from './audit-log.js';
