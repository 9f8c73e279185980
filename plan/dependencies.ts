/**
 * Resolves every placement's `dependsOn` to the VMs (and IPs, ports) that serve it.
 *
 * Scopes: `nearest` (default) picks the instances in the same account, else in the same
 * region, else in the EU region; `account`, `region` and `all` filter the instances by that
 * reach; a named account (`EU-SEC-01`) picks that account's instances. A service OCI runs for
 * us (`managedBy: autonomous-database`) resolves to the Autonomous Database of the role that
 * declares it: no VM, no IP, `managed: true`.
 */
import type { Problem } from "../model/errors";
import { placementsOf, type ResolvedPlacement } from "../model/query";
import type { Account, Dependency, RegionKey, ServicePort, Topology, Vm } from "../model/schema";
import { accountSlug, type AddressPlan } from "./addressPlan";
import { throwIfProblems } from "./problems";
import type { DependencyTarget, ManagedTarget, PortPlan, ResolvedDependency, ServicePlacementPlan } from "./types";

/** The region whose instances `nearest` falls back to. */
export const FALLBACK_REGION: RegionKey = "eu";

/** One VM running one service. */
export interface ServiceHost {
    account: Account;
    vm: Vm;
    ip: string;
    placement: ResolvedPlacement;
}

/** Where each service runs, and each managed service lives. */
export interface ServiceIndex {
    /** Hosts by service, in account (file) order, then VM order. */
    hosts: Map<string, ServiceHost[]>;
    /** Managed targets by service (one per account of the declaring role). */
    managed: Map<string, { account: Account; target: ManagedTarget }[]>;
    /** Placements by account name, then VM name. */
    placements: Map<string, Map<string, ResolvedPlacement[]>>;
}

/** The plan's view of a catalogue port (defaults applied). */
export function portPlan(port: ServicePort): PortPlan {
    return {
        name: port.name,
        port: port.port,
        ...(port.toPort !== undefined ? { toPort: port.toPort } : {}),
        protocol: port.protocol,
        metrics: port.metrics,
        metricsPath: port.metricsPath,
        localOnly: port.localOnly,
        tls: port.tls,
    };
}

/** Indexes where every service runs (VMs with their static IPs) and where managed ones live. */
export function indexServices(topology: Topology, addresses: AddressPlan): ServiceIndex {
    const hosts = new Map<string, ServiceHost[]>();
    const managed = new Map<string, { account: Account; target: ManagedTarget }[]>();
    const placements = new Map<string, Map<string, ResolvedPlacement[]>>();
    for (const account of topology.accounts) {
        const role = topology.roles[account.role];
        if (!role) continue;
        const accountAddresses = addresses.byAccount.get(account.name);
        const byVm = new Map<string, ResolvedPlacement[]>();
        placements.set(account.name, byVm);
        role.vms.forEach((vm, i) => {
            const resolved = placementsOf(vm, topology);
            byVm.set(vm.name, resolved);
            const ip = accountAddresses?.vms[i]?.privateIp ?? "";
            for (const placement of resolved) {
                const list = hosts.get(placement.service) ?? [];
                list.push({ account, vm, ip, placement });
                hosts.set(placement.service, list);
            }
        });
        const adb = role.autonomousDatabase;
        if (adb) {
            const def = topology.services[adb.service];
            const list = managed.get(adb.service) ?? [];
            list.push({
                account,
                target: {
                    kind: "autonomous-database",
                    account: account.name,
                    name: adb.name,
                    dbName: adb.dbName,
                    ports: (def?.ports ?? []).map(portPlan),
                },
            });
            managed.set(adb.service, list);
        }
    }
    return { hosts, managed, placements };
}

/** Applies a scope to candidates that each belong to an account. */
function inScope<T>(candidates: T[], accountOf: (c: T) => Account, from: Account, scope: Dependency["scope"]): T[] {
    switch (scope) {
        case "account":
            return candidates.filter((c) => accountOf(c).name === from.name);
        case "region":
            return candidates.filter((c) => accountOf(c).region === from.region);
        case "all":
            return candidates;
        case "nearest": {
            const same = candidates.filter((c) => accountOf(c).name === from.name);
            if (same.length > 0) return same;
            const region = candidates.filter((c) => accountOf(c).region === from.region);
            if (region.length > 0) return region;
            return candidates.filter((c) => accountOf(c).region === FALLBACK_REGION);
        }
        default:
            return candidates.filter((c) => accountOf(c).name === scope);
    }
}

function selectPorts(
    dependency: Dependency,
    targetPorts: PortPlan[],
    path: string,
    problems: Problem[],
): PortPlan[] {
    if (!dependency.ports) return targetPorts.filter((p) => !p.localOnly);
    const selected: PortPlan[] = [];
    dependency.ports.forEach((name, j) => {
        const port = targetPorts.find((p) => p.name === name);
        if (!port) {
            problems.push({
                path: `${path}.ports[${j}]`,
                message: `service "${dependency.service}" has no port "${name}" (it has ${targetPorts.map((p) => p.name).join(", ") || "none"})`,
            });
        } else if (port.localOnly) {
            problems.push({ path: `${path}.ports[${j}]`, message: `port "${name}" of "${dependency.service}" is local-only; nothing outside its VM can use it` });
        } else selected.push(port);
    });
    return selected;
}

/** Resolves one dependency of a service placed on a VM of `from`. */
export function resolveDependency(
    index: ServiceIndex,
    topology: Topology,
    from: Account,
    dependency: Dependency,
    path: string,
    problems: Problem[],
): ResolvedDependency {
    const base = {
        service: dependency.service,
        scope: dependency.scope,
        ...(dependency.reason !== undefined ? { reason: dependency.reason } : {}),
    };
    const def = topology.services[dependency.service];
    if (!def) {
        problems.push({ path: `${path}.service`, message: `unknown service "${dependency.service}"` });
        return { ...base, managed: false, targets: [] };
    }
    const targetPorts = def.ports.map(portPlan);
    if (def.managedBy) {
        const chosen = inScope(index.managed.get(dependency.service) ?? [], (m) => m.account, from, dependency.scope);
        if (chosen.length === 0) {
            problems.push({
                path,
                message: `no account provides managed "${dependency.service}" in scope "${dependency.scope}" for ${from.name} (a role needs autonomousDatabase.service: ${dependency.service})`,
            });
            return { ...base, managed: true, targets: [] };
        }
        const ports = selectPorts(dependency, targetPorts, path, problems);
        return { ...base, managed: true, managedTarget: { ...chosen[0].target, ports }, targets: [] };
    }
    const chosen = inScope(index.hosts.get(dependency.service) ?? [], (h) => h.account, from, dependency.scope);
    if (chosen.length === 0) {
        problems.push({ path, message: `no VM runs "${dependency.service}" in scope "${dependency.scope}" for ${from.name}` });
        return { ...base, managed: false, targets: [] };
    }
    const ports = selectPorts(dependency, targetPorts, path, problems);
    const targets: DependencyTarget[] = chosen.map((host) => ({
        account: host.account.name,
        vm: host.vm.name,
        vmResourceName: `${accountSlug(host.account.name)}-${host.vm.name}`,
        ip: host.ip,
        ports,
    }));
    return { ...base, managed: false, targets };
}

/** Where every backup timer writes (render/backupTimers.ts): MinIO's S3 API. */
export const BACKUP_STORE: Dependency = {
    service: "minio",
    ports: ["api"],
    scope: "all",
    reason: "backup timers copy to MinIO's S3 API",
};

/**
 * Every VM's placements with their dependencies resolved: account name → VM name → placements.
 * Throws `UserInputError` (paths `services.<svc>.dependsOn[i]...`) when a dependency has no
 * instance in its scope or names a port the target lacks.
 */
export function resolveDependencies(topology: Topology, addresses: AddressPlan, index = indexServices(topology, addresses)): Map<string, Map<string, ServicePlacementPlan[]>> {
    const problems: Problem[] = [];
    const result = new Map<string, Map<string, ServicePlacementPlan[]>>();
    // The same dependency resolves the same way for every VM of an account: memoise per account.
    const memo = new Map<string, ResolvedDependency>();
    for (const account of topology.accounts) {
        const byVm = new Map<string, ServicePlacementPlan[]>();
        result.set(account.name, byVm);
        for (const [vmName, placements] of index.placements.get(account.name) ?? []) {
            byVm.set(
                vmName,
                placements.map((placement) => ({
                    service: placement.service,
                    def: placement.def,
                    memoryMb: placement.memoryMb,
                    ...(placement.mode !== undefined ? { mode: placement.mode } : {}),
                    everyVm: placement.everyVm,
                    ports: placement.def.ports.map(portPlan),
                    // A service with backups depends on the backup store too: its firewall and NSG rules
                    // must let the backup job through, like any declared dependency's.
                    dependencies: [
                        ...placement.def.dependsOn,
                        ...(placement.def.backup.length > 0 && placement.service !== BACKUP_STORE.service && topology.services[BACKUP_STORE.service] ? [BACKUP_STORE] : []),
                    ].map((dependency, i) => {
                        const key = `${account.name}\u0000${placement.service}\u0000${i}`;
                        let resolved = memo.get(key);
                        if (!resolved) {
                            const path = i < placement.def.dependsOn.length ? `services.${placement.service}.dependsOn[${i}]` : `services.${placement.service}.backup`;
                            resolved = resolveDependency(index, topology, account, dependency, path, problems);
                            memo.set(key, resolved);
                        }
                        return resolved;
                    }),
                })),
            );
        }
    }
    throwIfProblems(problems);
    return result;
}
