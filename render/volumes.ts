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
