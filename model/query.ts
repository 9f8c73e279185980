/**
 * Read-only questions about a validated topology that every layer asks: what runs on a VM,
 * which accounts a region holds, which VMs of a role run a service.
 */
import type { Account, RegionKey, RoleName, ServiceDef, Topology, Vm } from "./schema";

/** A service as it runs on one VM: the catalogue entry and the effective memory limit. */
export interface ResolvedPlacement {
    /** Catalogue name (`nginx`). */
    service: string;
    def: ServiceDef;
    /** Memory limit on this VM (MiB): the placement's override, else the catalogue default. */
    memoryMb: number;
    /** Role of this instance where it differs (`replica`, `forwarder`, `peer`). */
    mode?: string;
    /** Why the placement overrides the catalogue (a lower limit on a micro). */
    reason?: string;
    /** True for the `everyVm` services (node_exporter, Promtail). */
    everyVm: boolean;
}

/**
 * The services of a VM, its own list first, then the topology's `everyVm` services.
 * Assumes a validated topology (every name is in the catalogue).
 */
export function placementsOf(vm: Vm, topology: Topology): ResolvedPlacement[] {
    const own = vm.services.map((placement): ResolvedPlacement => {
        const entry = typeof placement === "string" ? { service: placement } : placement;
        const def = catalogueEntry(topology, entry.service);
        return {
            service: entry.service,
            def,
            memoryMb: ("memoryMb" in entry ? entry.memoryMb : undefined) ?? def.memoryMb,
            ...("mode" in entry && entry.mode !== undefined ? { mode: entry.mode } : {}),
            ...("reason" in entry && entry.reason !== undefined ? { reason: entry.reason } : {}),
            everyVm: false,
        };
    });
    const everywhere = topology.everyVm.map((service): ResolvedPlacement => {
        const def = catalogueEntry(topology, service);
        return { service, def, memoryMb: def.memoryMb, everyVm: true };
    });
    return [...own, ...everywhere];
}

/** Accounts of one region, in file order. Used by tests only. */
export function accountsOfRegion(topology: Topology, region: RegionKey): Account[] {
    return topology.accounts.filter((account) => account.region === region);
}

/** VMs of a role that run `service` (own list or `everyVm`). */
export function vmsRunning(topology: Topology, role: RoleName, service: string): Vm[] {
    return topology.roles[role].vms.filter((vm) => placementsOf(vm, topology).some((p) => p.service === service));
}


function catalogueEntry(topology: Topology, service: string): ServiceDef {
    const def = topology.services[service];
    if (!def) throw new Error(`service "${service}" is not in the catalogue (validate the topology first)`);
    return def;
}
