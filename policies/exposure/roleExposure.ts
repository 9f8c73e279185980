/** Which subnets and instances the topology means to keep private, from the role/VM exposure. */
import type { Exposure, PolicyContext } from "../lib/context";
import { freeformTags } from "../lib/props";

/**
 * Exposure of a subnet, from its `role` tag and its plan name (`<slug>-lb`, `<slug>-vm`,
 * `<slug>-public-vm`, optionally followed by `-subnet`); undefined when the policy cannot tell.
 */
export function subnetExposure(resourceName: string, props: Record<string, unknown>, context: PolicyContext): Exposure | undefined {
    const name = resourceName.replace(/-subnet$/, "");
    if (name.endsWith("-public-vm")) return "public";
    const role = context.roleExposure[freeformTags(props).role ?? ""];
    if (!role) return undefined;
    if (name.endsWith("-lb")) return role.loadBalancer;
    if (name.endsWith("-vm")) return role.vms;
    return undefined;
}

/** Exposure of an instance (`<slug>-<vm>`), from its `role` tag and the VM's override. */
export function instanceExposure(name: string, props: Record<string, unknown>, context: PolicyContext): Exposure | undefined {
    const role = freeformTags(props).role ?? "";
    const vms = context.vmExposure[role];
    if (!vms) return undefined;
    const vm = Object.keys(vms)
        .filter((v) => name.endsWith(`-${v}`))
        .sort((a, b) => b.length - a.length)[0];
    return vm === undefined ? context.roleExposure[role]?.vms : vms[vm];
}
