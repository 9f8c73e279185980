/**
 * Block volumes as the VM sees them: OCI consistent device paths, attached in plan order.
 * The volume attachment (components) and the bootstrap mount (cloud-init) both use
 * `volumeDevice`, so the mount finds the volume the plan meant.
 */
import type { VmPlan } from "../plan/types";

/** `/dev/oracleoci/oraclevdb` for the VM's first block volume, `...vdc` for the second (vda is the boot volume). */
export function volumeDevice(index: number): string {
    if (index < 0 || index > 24) throw new Error(`block volume index ${index} out of range`);
    return `/dev/oracleoci/oraclevd${String.fromCharCode("b".charCodeAt(0) + index)}`;
}

/** Device and mount path of each block volume of a VM. */
export function volumeMounts(vm: VmPlan): { name: string; device: string; mountPath: string }[] {
    return vm.blockVolumes.map((v, i) => ({ name: v.name, device: volumeDevice(i), mountPath: v.mountPath }));
}
