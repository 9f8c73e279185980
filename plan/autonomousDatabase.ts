/**
 * Who the Autonomous Database admits, by the plan: each allowed source (`<ip>/32` of a client
 * VM) with the account and VM it belongs to, so a stack can admit its own region's clients by
 * VCN and name the others, which reach it through their NAT gateway.
 */
import type { AccountPlan, TopologyPlan, VmPlan } from "./types";

/** One allowed source of the database and, when a VM of the plan has that IP, its owner. */
export interface AdbClient {
    source: string;
    ip: string;
    account?: AccountPlan;
    vm?: VmPlan;
}

/** The allowed sources of the plan's Autonomous Database with their owners (none without a database). */
export function adbClients(plan: TopologyPlan): AdbClient[] {
    const adb = plan.accounts.find((a) => a.autonomousDatabase)?.autonomousDatabase;
    if (!adb) return [];
    return adb.allowedSources.map((source) => {
        const ip = source.replace(/\/32$/, "");
        const account = plan.accounts.find((a) => a.vms.some((vm) => vm.privateIp === ip));
        return { source, ip, account, vm: account?.vms.find((v) => v.privateIp === ip) };
    });
}

/** ADB clients in other regions than `region` (not in the access control list of its stack). */
export function remoteAdbClients(plan: TopologyPlan, region: string): AdbClient[] {
    return adbClients(plan).filter((c) => c.account !== undefined && c.account.region !== region);
}
