/**
 * The management bastions: the VMs of the management role that run WireGuard. They are the
 * operators' way in (the WireGuard port is their one public port), the only SSH source of every
 * VM, and the jump host of config delivery.
 */
import type { AccountPlan, PortPlan, TopologyPlan, VmPlan } from "./types";

/** The service that makes a VM a bastion: the only public VM port. */
export const WIREGUARD_SERVICE = "wireguard";
/** The role whose VMs are the bastions. */
const BASTION_ROLE = "management";

/**
 * Whether a VM is a bastion, from its account's role and the services placed on it: the one
 * definition, used by the firewall (before the plan's VMs exist) and by `bastionVms`.
 */
export function isBastion(role: string, services: readonly { service: string }[]): boolean {
    return role === BASTION_ROLE && services.some((p) => p.service === WIREGUARD_SERVICE);
}

/** The bastions among `accounts` (plan order). */
export function bastionVms(accounts: AccountPlan[]): { account: AccountPlan; vm: VmPlan }[] {
    return accounts.flatMap((account) => account.vms.filter((vm) => isBastion(account.role, vm.services)).map((vm) => ({ account, vm })));
}

/** The bastion deliveries jump through: the first of the plan. */
export function deliveryBastion(plan: TopologyPlan): { account: string; vm: string; ip: string } | undefined {
    const first = bastionVms(plan.accounts)[0];
    return first && { account: first.account.name, vm: first.vm.name, ip: first.vm.privateIp };
}

/** The UDP port WireGuard listens on: the service's one UDP port, whatever the catalogue names it. */
export function wireguardPortOf(placement: { ports: PortPlan[] }, where: string): PortPlan {
    const udp = placement.ports.filter((p) => p.protocol === "udp");
    if (udp.length !== 1) throw new Error(`${where} wireguard: needs exactly one UDP port, has ${udp.length}`);
    return udp[0];
}

/** The WireGuard port of a bastion VM. */
export function bastionPort(account: AccountPlan, vm: VmPlan): number {
    const placement = vm.services.find((p) => p.service === WIREGUARD_SERVICE);
    if (!placement) throw new Error(`${account.name}/${vm.name} runs no ${WIREGUARD_SERVICE}`);
    return wireguardPortOf(placement, `${account.name}/${vm.name}`).port;
}
