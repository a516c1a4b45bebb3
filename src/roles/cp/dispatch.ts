import type { Message } from '../../protocol/index.js';
import type { CpContext } from './context.js';
import { onResetKeys } from './keys.js';
import { onAck } from './registration.js';
import { isForInstance } from './rules.js';
import { onSetService } from './service.js';
import { onStart, onStop } from './supply.js';

export function dispatch(ctx: CpContext, message: Message): void {
  if (!isForInstance(message.payload, ctx.cfg.instanceId)) return;
  switch (message.type) {
    case 'cp.register-ack': return onAck(ctx, message.payload);
    case 'cmd.start-supply': return onStart(ctx, message.payload);
    case 'cmd.stop-supply': return onStop(ctx, message.payload);
    case 'cmd.set-service': return onSetService(ctx, message.payload);
    case 'cmd.reset-keys': return onResetKeys(ctx, message.payload);
    default: return; // other types are valid but not the CP's to handle
  }
}
