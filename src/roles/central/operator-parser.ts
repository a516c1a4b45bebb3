import { validateId } from '../../protocol/index.js';

/** An operator line from stdin (`stop CP001`, `resume all`, `status`, `help`). */
export type OperatorCommand =
  | { kind: 'stop'; target: string }
  | { kind: 'resume'; target: string }
  | { kind: 'reset-keys'; target: string }
  | { kind: 'forget'; target: string; confirmed: boolean }
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'empty' }
  | { kind: 'error'; text: string };

export const OPERATOR_HELP = [
  'stop <CP id>|all     stop a charge point (ends its supply; OUT_OF_SERVICE)',
  'resume <CP id>|all   put it back in service',
  'forget <CP id>|<pattern*> [yes]',
  '                     remove DISCONNECTED charge points for good (asks first)',
  'reset-keys <CP id>|all',
  '                     revoke its session key (ends its supply); it re-authenticates by itself',
  'status               list every charge point and its state',
  'help                 this list',
].join('\n');

export function parseOperatorLine(line: string): OperatorCommand {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const [verb, target, ...rest] = words;
  if (!verb) return { kind: 'empty' };
  const command = verb.toLowerCase();
  if (command === 'status' || command === 'help') {
    if (target !== undefined) return { kind: 'error', text: `"${command}" takes no argument` };
    return { kind: command };
  }
  if (command === 'stop' || command === 'resume' || command === 'reset-keys') {
    if (target === undefined) return { kind: 'error', text: `usage: ${command} <CP id>|all` };
    if (rest.length > 0) return { kind: 'error', text: `usage: ${command} <CP id>|all (one target)` };
    if (target.toLowerCase() === 'all') return { kind: command, target: 'all' };
    const problem = validateId('cp', target);
    if (problem) return { kind: 'error', text: problem };
    return { kind: command, target };
  }
  if (command === 'forget') {
    const usage = 'usage: forget <CP id>|<pattern with *> [yes]';
    if (target === undefined) return { kind: 'error', text: usage };
    const confirmed = rest.length === 1 && /^y(es)?$/i.test(rest[0]!);
    if (rest.length > 1 || (rest.length === 1 && !confirmed)) return { kind: 'error', text: usage };
    // A pattern is checked as the ids it could match: `*` stands for any run of id characters.
    const problem = validateId('cp', target.replaceAll('*', 'x'));
    if (problem) return { kind: 'error', text: problem.replace('"' + target.replaceAll('*', 'x') + '"', `"${target}"`) };
    return { kind: 'forget', target, confirmed };
  }
  return { kind: 'error', text: `unknown command "${verb}" (try: help)` };
}
