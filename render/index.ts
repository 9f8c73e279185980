/**
 * Render entry points (contract 5): every config file of every VM from the plan, pure.
 * `renderAll(plan)`, `renderAccount(plan, account)`, `renderCloudInit(plan, account, vm)`.
 */
import type { TopologyPlan } from "../plan/types";
import type { RenderedFile, RenderOptions } from "./types";
import { renderVm, SERVICE_RENDERERS } from "./vm";

export { renderCloudInit, CLOUD_CONFIG_KEYS, PLACEHOLDER_SSH_KEY, type CloudInitOptions } from "./cloudInit";

export function renderAccount(plan: TopologyPlan, account: string, options: RenderOptions = {}): RenderedFile[] {
    const acc = plan.accounts.find((a) => a.name === account);
    if (!acc) throw new Error(`no account ${account} in the plan`);
    return acc.vms.flatMap((vm) => renderVm(plan, acc, vm, options));
}

export function renderAll(plan: TopologyPlan, options: RenderOptions = {}): RenderedFile[] {
    return plan.accounts.flatMap((a) => renderAccount(plan, a.name, options));
}

/** Config files the catalogue names that no renderer writes, by service (reported, not silently dropped). */
export function unrenderedServices(plan: TopologyPlan): { service: string; files: string[] }[] {
    const out = new Map<string, string[]>();
    for (const a of plan.accounts) for (const vm of a.vms) for (const p of vm.services) {
        if (p.def.files.length === 0) continue;
        const written = SERVICE_RENDERERS[p.service] ? SERVICE_RENDERERS[p.service]({ plan, account: a, vm, placement: p, options: {} }).map((f) => f.path) : [];
        const missing = p.def.files.filter((f) => !written.includes(f));
        if (missing.length > 0) out.set(p.service, missing);
    }
    return [...out.entries()].map(([service, files]) => ({ service, files })).sort((a, b) => a.service.localeCompare(b.service));
}
