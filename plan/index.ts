/**
 * `buildPlan`: the whole topology worked out — addresses, resolved dependencies, firewall
 * rules, load-balancer backends, scrape targets, storage and the free-tier report — as one
 * pure value (`TopologyPlan`). Components, render and policies read it; nothing here touches
 * Pulumi.
 */
import type { Problem } from "../model/errors";
import { REGION_KEYS, type Topology } from "../model/schema";
import { addressPlan, accountSlug } from "./addressPlan";
import type { FreeTierAllowances } from "../model/allowances";
import { hostCidr } from "../model/cidr";
import { indexServices, resolveDependencies } from "./dependencies";
import { loadBalancerEgress, vmEgress } from "./egress";
import { hostFirewall, planFirewall } from "./firewall";
import { freeTierReport, freeTierUsage, roundCents, secretCount } from "./freeTier";
import { planLoadBalancer, planNetworkLoadBalancer } from "./loadBalancers";
import type { OciLimits } from "../model/ociLimits";
import { planLimitProblems } from "./limits";
import { throwIfProblems } from "./problems";
import { planScrapeTargets } from "./scrapeTargets";
import { storageBudget } from "./storage";
import type {
    AccountPlan,
    AutonomousDatabasePlan,
    LoadBalancerPlan,
    NetworkLoadBalancerPlan,
    PlanOptions,
    StackPlan,
    TopologyPlan,
    VmPlan,
} from "./types";
import { A1_SHAPE, MICRO_SHAPE } from "../model/shapes";


/** Folder of the generated runbooks inside the repository; also the relative runbook link base. */
export const RUNBOOK_DIR = "docs/runbooks";

/**
 * Builds the plan of a validated topology.
 * @param topology  typed topology (`loadTopology`).
 * @param allowances  Always Free allowances and prices (`loadAllowances`).
 * @param limits  OCI's documented limits the plan must stay within (`loadOciLimits`); the
 *   caller reads the file, so the plan stays a function of its inputs.
 * @param opts.addressSpace  wider address space for synthetic topologies (role blocks widen with it).
 * @throws UserInputError naming the YAML path of every problem (blocks too small, unresolved
 *   dependencies, backend sets with no VM, a public 22/3389).
 */
export function buildPlan(topology: Topology, allowances: FreeTierAllowances, limits: OciLimits, opts: PlanOptions = {}): TopologyPlan {
    const addresses = addressPlan(topology, opts);
    const index = indexServices(topology, addresses);
    const placements = resolveDependencies(topology, addresses, index);

    const problems: Problem[] = [];
    const loadBalancers = new Map<string, LoadBalancerPlan>();
    const networkLoadBalancers = new Map<string, NetworkLoadBalancerPlan>();
    for (const account of topology.accounts) {
        const accountAddresses = addresses.byAccount.get(account.name)!;
        loadBalancers.set(account.name, planLoadBalancer(topology, index, account, accountAddresses, problems));
        const nlb = planNetworkLoadBalancer(topology, index, account, accountAddresses, problems);
        if (nlb) networkLoadBalancers.set(account.name, nlb);
    }
    throwIfProblems(problems);
    const firewall = planFirewall({ topology, addresses, index, placements, loadBalancers, networkLoadBalancers });
    const scrapeTargets = planScrapeTargets(topology, addresses, placements);
    const secrets = secretCount(topology);
    const globalHub = topology.regions.eu.hub;

    // Who uses each managed database: the ADB's access list.
    const adbClients = new Map<string, Set<string>>();
    for (const account of topology.accounts) {
        const accountAddresses = addresses.byAccount.get(account.name)!;
        for (const vm of accountAddresses.vms) {
            for (const placement of placements.get(account.name)?.get(vm.vm) ?? []) {
                for (const dependency of placement.dependencies) {
                    if (!dependency.managedTarget) continue;
                    const key = `${dependency.managedTarget.account}|${dependency.managedTarget.name}`;
                    const set = adbClients.get(key) ?? new Set<string>();
                    set.add(hostCidr(vm.privateIp));
                    adbClients.set(key, set);
                }
            }
        }
    }

    const accounts: AccountPlan[] = topology.accounts.map((account) => {
        const role = topology.roles[account.role]!;
        const slug = accountSlug(account.name);
        const accountAddresses = addresses.byAccount.get(account.name)!;
        const rules = firewall.get(account.name) ?? [];
        const vms: VmPlan[] = role.vms.map((vm, i) => {
            const address = accountAddresses.vms[i];
            return {
                account: account.name,
                name: vm.name,
                resourceName: `${slug}-${vm.name}`,
                role: account.role,
                shape: vm.shape,
                ocpus: vm.ocpus,
                memoryGb: vm.memoryGb,
                bootVolumeGb: vm.bootVolumeGb,
                blockVolumes: vm.blockVolumes.map((v) => ({
                    name: v.name,
                    resourceName: `${slug}-${vm.name}-${v.name}`,
                    sizeGb: v.sizeGb,
                    mountPath: v.mountPath,
                    backupPolicy: v.backupPolicy,
                    for: [...v.for],
                })),
                subnet: address.subnet,
                privateIp: address.privateIp,
                publicIp: address.publicIp,
                services: placements.get(account.name)?.get(vm.name) ?? [],
                firewall: hostFirewall(rules, vm.name),
                egress: vmEgress(vm.name, placements.get(account.name)?.get(vm.name) ?? [], addresses.addressSpace),
            };
        });
        const regionHub = topology.regions[account.region].hub;
        const isRegionHub = regionHub === account.name;
        const isGlobalHub = globalHub === account.name;
        const storage = storageBudget(account.name, role, allowances);
        const adb = role.autonomousDatabase;
        const autonomousDatabase: AutonomousDatabasePlan | undefined = adb && {
            account: account.name,
            name: adb.name,
            resourceName: `${slug}-${adb.name}`,
            service: adb.service,
            dbName: adb.dbName,
            workload: adb.workload,
            dbVersion: adb.dbVersion,
            isFreeTier: adb.isFreeTier,
            dataStorageGb: adb.dataStorageGb,
            allowedSources: [...(adbClients.get(`${account.name}|${adb.name}`) ?? [])].sort(),
        };
        const nlb = networkLoadBalancers.get(account.name);
        return {
            name: account.name,
            slug,
            role: account.role,
            region: account.region,
            homeRegion: account.homeRegion ?? topology.regions[account.region].homeRegion,
            isRegionHub,
            regionHub,
            connectivity: {
                regionHub,
                isRegionHub,
                globalHub,
                isGlobalHub,
                ...(!isRegionHub ? { attachesTo: regionHub } : {}),
                ...(isRegionHub && !isGlobalHub ? { peersWith: globalHub } : {}),
            },
            vcnCidr: accountAddresses.vcnCidr,
            subnets: accountAddresses.subnets,
            vms,
            loadBalancer: loadBalancers.get(account.name)!,
            ...(nlb ? { networkLoadBalancer: nlb } : {}),
            ...(autonomousDatabase ? { autonomousDatabase } : {}),
            ...(role.ociVault ? { ociVault: { name: role.ociVault.name, purpose: role.ociVault.purpose } } : {}),
            buckets: role.buckets.map((b) => ({ name: b.name, purpose: b.purpose, versioning: b.versioning })),
            keyRotations: [...topology.keyRotations],
            firewall: rules,
            egress: [...vms.flatMap((v) => v.egress), ...loadBalancerEgress("lb", addresses.addressSpace), ...(nlb ? loadBalancerEgress("nlb", addresses.addressSpace) : [])],
            storage,
            freeTier: freeTierUsage(account.name, role, storage, allowances, role.ociVault ? secrets : 0, account.billing, gatewaysOf(accountAddresses.subnets)),
        };
    });

    const stacks: StackPlan[] = REGION_KEYS.filter((region) => accounts.some((a) => a.region === region)).map((region) => ({
        region,
        homeRegion: topology.regions[region].homeRegion,
        hub: topology.regions[region].hub,
        accounts: accounts.filter((a) => a.region === region).map((a) => a.name),
    }));
    const freeTier = freeTierReport(
        accounts.map((a) => a.freeTier),
        allowances,
    );
    const allVms = accounts.flatMap((a) => a.vms);
    const plan: TopologyPlan = {
        name: topology.name,
        addressSpace: addresses.addressSpace,
        runbookBaseUrl: topology.runbookBaseUrl ?? RUNBOOK_DIR,
        accounts,
        stacks,
        scrapeTargets,
        freeTier,
        totals: {
            accounts: accounts.length,
            vms: allVms.length,
            a1Vms: allVms.filter((v) => v.shape === A1_SHAPE).length,
            microVms: allVms.filter((v) => v.shape === MICRO_SHAPE).length,
            ocpus: allVms.reduce((s, v) => s + v.ocpus, 0),
            memoryGb: allVms.reduce((s, v) => s + v.memoryGb, 0),
            storageGb: accounts.reduce((s, a) => s + a.storage.totalGb, 0),
            loadBalancers: accounts.length,
            networkLoadBalancers: networkLoadBalancers.size,
            autonomousDatabases: accounts.filter((a) => a.autonomousDatabase).length,
            firewallRules: accounts.reduce((s, a) => s + a.firewall.length, 0),
            scrapeTargets: scrapeTargets.length,
            monthlyOverage: roundCents(freeTier.monthlyOverage),
            currency: freeTier.currency,
        },
    };
    throwIfProblems(planLimitProblems(topology, plan, limits));
    return plan;
}

/** The gateways `components/AccountNetwork.ts` creates: NAT and service gateway for private subnets. */
function gatewaysOf(subnets: { public: boolean }[]): { nat: number; service: number } {
    const privateSubnets = subnets.some((s) => !s.public) ? 1 : 0;
    return { nat: privateSubnets, service: privateSubnets };
}

/** The plan of one account (throws when the plan has no such account). Used by tests only. */
export function accountPlan(plan: TopologyPlan, account: string): AccountPlan {
    const found = plan.accounts.find((a) => a.name === account);
    if (!found) throw new Error(`no account "${account}" in the plan`);
    return found;
}
