import type { CpContext } from './context.js';
import type { CpFacts } from './rules.js';

/** The context as the pure rules see it. */
export function factsOf(ctx: CpContext): CpFacts {
  return {
    registration: ctx.registration,
    faulted: ctx.faulted,
    outOfService: ctx.outOfService,
    supplying: ctx.supply?.sessionId ?? null,
  };
}
