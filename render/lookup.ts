/**
 * Questions renderers ask the plan: who runs a service, where a dependency points, which port
 * a service listens on. Every address comes from the plan (static private IPs), never a name.
 */
import type { AccountPlan, DependencyTarget, PortPlan, ServicePlacementPlan, TopologyPlan, VmPlan } from "../plan/types";
import type { ServiceContext } from "./types";

/** A VM running a service, with the placement. */
export interface ServiceInstance {
    account: AccountPlan;
    vm: VmPlan;
    placement: ServicePlacementPlan;
}

/** Every VM of the plan (or of one account) running `service`, in plan order. */
export function instancesOf(plan: TopologyPlan, service: string, accountName?: string): ServiceInstance[] {
    const found: ServiceInstance[] = [];
    for (const account of plan.accounts) {
        if (accountName !== undefined && account.name !== accountName) continue;
        for (const vm of account.vms) {
            for (const placement of vm.services) {
                if (placement.service === service) found.push({ account, vm, placement });
            }
        }
    }
    return found;
}

/** The placement's resolved dependency targets for `service` (empty when it has none). */
export function dependencyTargets(ctx: ServiceContext, service: string): DependencyTarget[] {
    return ctx.placement.dependencies.filter((d) => d.service === service).flatMap((d) => d.targets);
}

/** The port named `name` (or the first matching one of `names`) of a placement. */
export function portOf(placement: { ports: PortPlan[] }, ...names: string[]): PortPlan | undefined {
    for (const name of names) {
        const port = placement.ports.find((p) => p.name === name);
        if (port) return port;
    }
    return undefined;
}

/** Like `portOf`, but a missing port is a topology defect the renderer cannot work around. */
export function requirePort(placement: { ports: PortPlan[] }, where: string, ...names: string[]): PortPlan {
    const port = portOf(placement, ...names);
    if (!port) throw new Error(`${where}: no port named ${names.join(" or ")} (has ${placement.ports.map((p) => p.name).join(", ") || "none"})`);
    return port;
}

/** The placement of `service` on the same VM, if it runs there. */
export function coLocated(vm: VmPlan, service: string): ServicePlacementPlan | undefined {
    return vm.services.find((s) => s.service === service);
}

/** `EU-FE-01/app`: how files and comments name a VM. */
export function vmLabel(account: { name: string }, vm: { name: string }): string {
    return `${account.name}/${vm.name}`;
}
