/**
 * Prometheus targets: every metrics port of every service placed on every VM (node_exporter
 * on all of them), addressed by the VM's static private IP. One job per service. Local-only
 * ports are left out (Prometheus on EU-MON-01 cannot reach them).
 */
import type { Topology } from "../model/schema";
import { accountSlug, type AddressPlan } from "./addressPlan";
import type { ScrapeTarget, ServicePlacementPlan } from "./types";

/** All scrape targets, in account, VM, placement, port order. */
export function planScrapeTargets(
    topology: Topology,
    addresses: AddressPlan,
    placements: Map<string, Map<string, ServicePlacementPlan[]>>,
): ScrapeTarget[] {
    const targets: ScrapeTarget[] = [];
    for (const account of topology.accounts) {
        const accountAddresses = addresses.byAccount.get(account.name);
        if (!accountAddresses) continue;
        for (const vm of accountAddresses.vms) {
            for (const placement of placements.get(account.name)?.get(vm.vm) ?? []) {
                for (const port of placement.ports) {
                    // A local-only port is unreachable from EU-MON-01: nothing to scrape remotely.
                    if (!port.metrics || port.localOnly) continue;
                    targets.push({
                        job: placement.service,
                        account: account.name,
                        region: account.region,
                        role: account.role,
                        vm: vm.vm,
                        vmResourceName: `${accountSlug(account.name)}-${vm.vm}`,
                        ip: vm.privateIp,
                        port: port.port,
                        metricsPath: port.metricsPath,
                        scheme: port.tls ? "https" : "http",
                        service: placement.service,
                        address: `${vm.privateIp}:${port.port}`,
                    });
                }
            }
        }
    }
    return targets;
}

/** Targets grouped by job (Prometheus `scrape_configs`), jobs in first-seen order. */
export function scrapeJobs(targets: ScrapeTarget[]): Map<string, ScrapeTarget[]> {
    const jobs = new Map<string, ScrapeTarget[]>();
    for (const target of targets) {
        const list = jobs.get(target.job) ?? [];
        list.push(target);
        jobs.set(target.job, list);
    }
    return jobs;
}
