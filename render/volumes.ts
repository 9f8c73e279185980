/**
 * Block volumes as the VM sees them: OCI consistent device paths, attached in plan order.
 * The volume attachment (components) and the bootstrap mount (cloud-init) both use
 * `volumeDevice`, so the mount finds the volume the plan meant.
 */
import type { VmPlan } from "../plan/types";
import { volumeDevice } from "../plan/volumes";

/** Device and mount path of each block volume of a VM. */
export function volumeMounts(vm: VmPlan): { name: string; device: string; mountPath: string }[] {
    return vm.blockVolumes.map((v, i) => ({ name: v.name, device: volumeDevice(i), mountPath: v.mountPath }));
}

/**
 * Where `service` keeps its data on `vm`: a directory named after it on the block volume that is
 * for it (the volume's root stays root's), or `fallback` when no volume is for it.
 */
export function serviceDataDir(vm: VmPlan, service: string, fallback: string): string {
    const volume = vm.blockVolumes.find((b) => b.for.includes(service));
    return volume ? `${volume.mountPath.replace(/\/$/, "")}/${service}` : fallback;
}
