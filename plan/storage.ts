/**
 * Block storage per tenancy: boot volumes and block volumes together against the Always Free
 * allowance (200 GB), with the shortfall named when it does not fit.
 */
import type { Role } from "../model/schema";
import type { FreeTierAllowances } from "../model/allowances";
import type { StorageBudget, StorageItem } from "./types";

/** The storage budget of one account of `role`. */
export function storageBudget(account: string, role: Role, allowances: FreeTierAllowances): StorageBudget {
    const items: StorageItem[] = [];
    for (const vm of role.vms) {
        items.push({ vm: vm.name, kind: "boot", name: "boot", sizeGb: vm.bootVolumeGb });
        for (const volume of vm.blockVolumes) items.push({ vm: vm.name, kind: "block", name: volume.name, sizeGb: volume.sizeGb });
    }
    const bootGb = items.filter((i) => i.kind === "boot").reduce((sum, i) => sum + i.sizeGb, 0);
    const blockGb = items.filter((i) => i.kind === "block").reduce((sum, i) => sum + i.sizeGb, 0);
    const totalGb = bootGb + blockGb;
    const allowanceGb = allowances.allowances.blockStorage.totalGb;
    const shortfallGb = Math.max(0, totalGb - allowanceGb);
    return {
        account,
        items,
        bootGb,
        blockGb,
        totalGb,
        allowanceGb,
        fits: shortfallGb === 0,
        shortfallGb,
        ...(shortfallGb > 0 ? { message: `${account} block storage ${totalGb} GB > ${allowanceGb} GB by ${shortfallGb} GB` } : {}),
    };
}
