import { patchKafkajsMethod } from './kafkajs-module.js';

/**
 * kafkajs 2.2.4 asks each broker in turn for a group's coordinator and swallows every answer that
 * is not a coordinator (BrokerPool.withBroker), then fails with "Failed to find group coordinator".
 * When the brokers refuse because no ACL lets this user see the group (GROUP_AUTHORIZATION_FAILED),
 * that is every broker's answer and the only useful one: the role could say nothing better than a
 * coordinator it cannot find, and waited. This keeps an authorization refusal: when every broker
 * refused so, withBroker throws the refusal instead of returning nothing.
 */
interface BrokerPoolLike {
  withBroker(callback: (arg: unknown) => Promise<unknown>): Promise<unknown>;
}

const AUTHORIZATION = /_AUTHORIZATION_FAILED$/;

/** `withBroker` that rethrows an authorization refusal when no broker got through. */
export function keepingRefusals(original: BrokerPoolLike['withBroker']): BrokerPoolLike['withBroker'] {
  return async function withBroker(this: BrokerPoolLike, callback) {
    let refusal: unknown = null;
    const result = await original.call(this, async (arg: unknown) => {
      try {
        return await callback(arg);
      } catch (e) {
        if (AUTHORIZATION.test((e as { type?: string }).type ?? '')) refusal = e;
        throw e;
      }
    });
    if (result === null && refusal !== null) throw refusal;
    return result;
  };
}

export function applyKafkajsRefusalKept(): boolean {
  return patchKafkajsMethod<BrokerPoolLike, 'withBroker'>('cluster/brokerPool.js', 'withBroker', keepingRefusals);
}
