import { leaseGroupOf } from '../../config/load-config.js';
import type { EvchargeConfig } from '../../config/schema.js';
import { AssignerProtocol, type Admin } from '../kafkajs.js';
import { decodeClaim } from '../lease-claim.js';

export interface CentralMember {
  host: string;
  pid: number;
  instanceId: string;
  startedAt: number;
  /** Since when it has been active (as it told the group at its last join); null for a standby. */
  activeSince: number | null;
  clientHost: string;
}

export interface CentralsReport {
  group: string;
  /** The member holding the lease (partition 0 of the lease topic). */
  active: CentralMember | null;
  standbys: CentralMember[];
  error: string | null;
}

/**
 * Who leads the network and who stands by: the members of the centrals' election group, each
 * with the identity it joined with, and the one the group assigned the lease to.
 */
export async function checkCentrals(admin: Admin, config: EvchargeConfig): Promise<CentralsReport> {
  const group = leaseGroupOf(config.groups.central);
  const leaseTopic = config.topics['central-lease'].name;
  const report: CentralsReport = { group, active: null, standbys: [], error: null };
  try {
    const [described] = (await admin.describeGroups([group])).groups;
    for (const m of described?.members ?? []) {
      const claim = decodeClaim(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData);
      const member: CentralMember = {
        host: claim?.host ?? m.clientHost,
        pid: claim?.pid ?? 0,
        instanceId: claim?.instanceId ?? m.memberId,
        startedAt: claim?.startedAt ?? 0,
        activeSince: claim?.activeSince ?? null,
        clientHost: m.clientHost,
      };
      const assignment = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment : undefined;
      if ((assignment?.[leaseTopic] ?? []).includes(0)) report.active = member;
      else report.standbys.push(member);
    }
    report.standbys.sort((a, b) => a.startedAt - b.startedAt);
  } catch (e) {
    report.error = `could not describe ${group} (${(e as Error).message.split('\n')[0]})`;
  }
  return report;
}
