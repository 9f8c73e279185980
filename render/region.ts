/**
 * Everything rendered for the VMs of one region stack: the files the program delivers and the
 * cloud-init it boots them with (`stacks/program.ts`). Pure, so the offline render can use it too.
 */
import type { TopologyPlan } from "../plan/types";
import { renderAccount } from "./index";
import { renderCloudInit, type CloudInitOptions } from "./cloudInit";
import type { RenderedFile } from "./types";

/**
 * Cloud-init of every VM of the region and the rendered config files of every account,
 * computed before any resource exists (a render failure registers nothing).
 */
export function renderRegion(
    plan: TopologyPlan,
    region: string,
    options: CloudInitOptions,
): { cloudInits: Map<string, string>; files: Record<string, RenderedFile[]> } {
    const cloudInits = new Map<string, string>();
    const files: Record<string, RenderedFile[]> = {};
    for (const account of plan.accounts.filter((a) => a.region === region)) {
        files[account.name] = renderAccount(plan, account.name, options);
        for (const vm of account.vms) {
            const vmFiles = files[account.name].filter((f) => f.vm === vm.name);
            cloudInits.set(`${account.name}/${vm.name}`, renderCloudInit(plan, account, vm, { ...options, files: vmFiles }));
        }
    }
    return { cloudInits, files };
}
