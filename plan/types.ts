/**
 * The plan: everything the topology implies once addresses, dependencies, firewall rules,
 * load-balancer backends, scrape targets and the free-tier budget are worked out.
 *
 * Pure data (no `@pulumi/*`). Components (H4), render (H5) and policies (H6) read these types;
 * `buildPlan` in `plan/index.ts` produces a `TopologyPlan`.
 */
import type { RegionKey, RoleName, ServiceDef } from "../model/schema";
import type { Shape } from "../model/shapes";
import type { EgressRule } from "./egress";

/**
 * Subnets of an account's VCN. `public-vm` exists only when a VM overrides exposure to public
 * in a private role (the MGMT bastions); `private-vm` when one overrides to private in a public role.
 */
export type SubnetName = "lb" | "vm" | "public-vm" | "private-vm";

export interface SubnetPlan {
    name: SubnetName;
    /** `eu-fe-01-lb`, `eu-mgmt-01-public-vm`. */
    resourceName: string;
    /** DNS label for OCI (letters and digits, ≤ 15 chars): `lb`, `vm`, `publicvm`. */
    dnsLabel: string;
    cidr: string;
    /** Public subnet (VNICs may get public IPs); private ones set `prohibitPublicIpOnVnic`. */
    public: boolean;
    /** First usable host (OCI reserves the network address, the gateway .1 and the broadcast). */
    firstHost: string;
    lastHost: string;
}

/** A port of a service as the plan uses it (numbers resolved, defaults applied). */
export interface PortPlan {
    name: string;
    port: number;
    /** Last port of a range (Solana 8000-8020). */
    toPort?: number;
    protocol: "tcp" | "udp" | "tcp+udp";
    metrics: boolean;
    metricsPath: string;
    localOnly: boolean;
    /** TLS with a certificate of the internal CA (clients use `https://`). */
    tls: boolean;
}

/** One VM that serves a dependency. */
export interface DependencyTarget {
    account: string;
    vm: string;
    /** `eu-be-01-cache`. */
    vmResourceName: string;
    ip: string;
    /** Ports of the target service the dependent uses. */
    ports: PortPlan[];
}

/** A managed target (the Always Free Autonomous Database): no VM, no IP known at plan time. */
export interface ManagedTarget {
    kind: "autonomous-database";
    account: string;
    /** Name of the ADB in the role (`blitzhub-adb`). */
    name: string;
    dbName: string;
    /** Ports of the catalogue service (1521). */
    ports: PortPlan[];
}

export interface ResolvedDependency {
    /** Target service name (catalogue key). */
    service: string;
    scope: string;
    reason?: string;
    /** True for `oracle-adb` (OCI-managed); then `targets` is empty and `managedTarget` is set. */
    managed: boolean;
    managedTarget?: ManagedTarget;
    /** VMs the dependent talks to, in account-then-VM order. */
    targets: DependencyTarget[];
}

export interface ServicePlacementPlan {
    service: string;
    def: ServiceDef;
    /** Effective memory limit on this VM (MiB). */
    memoryMb: number;
    mode?: string;
    /** True for the `everyVm` services (node_exporter, Promtail). */
    everyVm: boolean;
    ports: PortPlan[];
    dependencies: ResolvedDependency[];
}

export interface BlockVolumePlan {
    name: string;
    /** `eu-sol-01-app-ledger`. */
    resourceName: string;
    sizeGb: number;
    mountPath: string;
    backupPolicy: "bronze" | "silver" | "gold" | "none";
    for: string[];
}


export type { EgressRule };

export interface VmPlan {
    account: string;
    name: string;
    /** `eu-fe-01-app`; also the hostname. */
    resourceName: string;
    role: RoleName;
    shape: Shape;
    ocpus: number;
    memoryGb: number;
    bootVolumeGb: number;
    blockVolumes: BlockVolumePlan[];
    subnet: SubnetName;
    privateIp: string;
    publicIp: boolean;
    services: ServicePlacementPlan[];
    /** Host firewall (ingress) for this VM: the account's rules whose target is this VM. */
    firewall: FirewallRule[];
    /** What this VM may reach (its NSG's egress rules and its host firewall's output chain). */
    egress: EgressRule[];
}

export type FirewallTarget = { kind: "vm"; vm: string } | { kind: "lb" } | { kind: "nlb" };

/**
 * One ingress rule. NSGs are stateful, so replies need no rule; egress stays open inside the
 * address space. `source` is a CIDR: a VM's `/32`, a subnet, or `0.0.0.0/0` for public listeners
 * (never on 22 or 3389).
 */
export interface FirewallRule {
    account: string;
    target: FirewallTarget;
    protocol: "tcp" | "udp";
    port: number;
    toPort?: number;
    source: string;
    /** Human name of the source: `EU-BE-01/app (fastify)`, `internet`, `EU-FE-01 lb subnet`. */
    sourceDescription: string;
    /** Why the port is open: `fastify → redis:redis`, `prometheus scrape node-exporter`. */
    reason: string;
    /** Service on the target that owns the port, when there is one. */
    service?: string;
    /** Stable unique key inside the account, usable in resource names: `app-tcp-6379-from-10-0-2-8-32`. */
    key: string;
}

export interface LbBackend {
    vm: string;
    vmResourceName: string;
    ip: string;
    port: number;
    weight: number;
    /** A backup backend: the load balancer sends it traffic only while every primary backend fails its health check. */
    backup?: true;
}

export interface LoadBalancerHealthCheck {
    protocol: "HTTP" | "TCP";
    port: number;
    urlPath?: string;
    intervalMs: number;
    timeoutMs: number;
    retries: number;
    returnCode?: number;
}

export interface LoadBalancerBackendSet {
    name: string;
    service: string;
    portName: string;
    port: number;
    policy: "WEIGHTED_ROUND_ROBIN" | "LEAST_CONNECTIONS" | "IP_HASH";
    healthCheck: LoadBalancerHealthCheck;
    sessionPersistence?: { cookieName: string; disableFallback: boolean };
    /**
     * The load balancer re-encrypts to the backends and verifies them against the backend CA
     * (the port says `loadBalancerTls`); health checks then run over TLS too.
     */
    backendTls: boolean;
    backends: LbBackend[];
}

export interface LoadBalancerListener {
    name: string;
    port: number;
    protocol: "HTTP" | "TCP";
    backendSet: string;
    idleTimeoutSeconds?: number;
    /** HTTPS with the stack's edge certificate (`oci.loadbalancer.Certificate`). */
    tls: boolean;
    /** Port of the HTTPS listener every request is redirected to (301); absent for a serving listener. */
    redirectToHttpsPort?: number;
}

/** The account's flexible load balancer (Always Free: 10 Mbps min = max). */
export interface LoadBalancerPlan {
    account: string;
    name: string;
    /** `eu-fe-01-lb`. */
    resourceName: string;
    public: boolean;
    subnet: "lb";
    bandwidthMbps: { min: number; max: number };
    /** Public DNS names of the HTTPS listeners (topology `loadBalancer.hostNames`); the edge certificate covers them. */
    hostNames: string[];
    listeners: LoadBalancerListener[];
    backendSets: LoadBalancerBackendSet[];
}

export interface NetworkLoadBalancerListener {
    name: string;
    protocol: "TCP" | "UDP" | "TCP_AND_UDP";
    port: number;
    toPort?: number;
    backendSet: string;
}

export interface NetworkLoadBalancerBackendSet {
    name: string;
    service: string;
    portName: string;
    port: number;
    toPort?: number;
    policy: "FIVE_TUPLE" | "THREE_TUPLE" | "TWO_TUPLE";
    preserveSourceIp: boolean;
    healthCheck: { protocol: "TCP" | "HTTP" | "UDP"; port: number; urlPath?: string };
    backends: LbBackend[];
}

export interface NetworkLoadBalancerPlan {
    account: string;
    name: string;
    /** `eu-net-01-nlb`. */
    resourceName: string;
    public: boolean;
    subnet: "lb";
    listeners: NetworkLoadBalancerListener[];
    backendSets: NetworkLoadBalancerBackendSet[];
}

/** One Prometheus target (scraped from EU-MON-01 by static private IP). */
export interface ScrapeTarget {
    /** Job per service: `node-exporter`, `redis`, `fastify`. */
    job: string;
    account: string;
    region: RegionKey;
    role: RoleName;
    vm: string;
    vmResourceName: string;
    ip: string;
    port: number;
    metricsPath: string;
    /** `https` when the port speaks TLS (internal CA, trusted system-wide on every VM). */
    scheme: "http" | "https";
    service: string;
    /** `ip:port`. */
    address: string;
}

export interface StorageItem {
    vm: string;
    kind: "boot" | "block";
    /** `boot` or the block volume name. */
    name: string;
    sizeGb: number;
}

/** Block storage of one tenancy (boot volumes included) against the Always Free allowance. */
export interface StorageBudget {
    account: string;
    items: StorageItem[];
    bootGb: number;
    blockGb: number;
    totalGb: number;
    allowanceGb: number;
    fits: boolean;
    /** `totalGb - allowanceGb` when over, else 0. */
    shortfallGb: number;
    /** `EU-SOL-01 block storage 241 GB > 200 GB by 41 GB`; absent when it fits. */
    message?: string;
}

export type FreeTierResource =
    | "a1-ocpu"
    | "a1-memory-gb"
    | "micro-instances"
    | "block-storage-gb"
    | "flexible-load-balancers"
    | "flexible-lb-bandwidth-mbps"
    | "network-load-balancers"
    | "autonomous-databases"
    | "autonomous-database-storage-gb"
    | "vault-secrets"
    | "nat-gateways"
    | "service-gateways";

export interface FreeTierLine {
    resource: FreeTierResource;
    used: number;
    allowed: number;
    unit: string;
    fits: boolean;
    /** `used - allowed` when over, else 0. */
    excess: number;
    /** Shortfall sentence when over: `EU-FE-01 A1 OCPU 4 > 2 by 2`. */
    message?: string;
}

export interface OverageLine {
    resource: FreeTierResource;
    excess: number;
    /** Price key in the allowances file (`a1OcpuHour`). */
    priceKey: string;
    unitPrice: number;
    /** Units billed per month per unit of excess (730 for hourly prices, 1 for monthly; 2×730 ECPU-hours per extra database). */
    unitsPerMonth: number;
    monthlyCost: number;
}

export interface Overage {
    currency: string;
    lines: OverageLine[];
    monthlyCost: number;
}

export interface FreeTierUsage {
    account: string;
    /** How the tenancy is billed (topology `accounts[].billing`). */
    billing: { mode: "alwaysFree" | "payAsYouGo"; reason: string };
    lines: FreeTierLine[];
    fits: boolean;
    /** Messages of every line that does not fit. */
    shortfalls: string[];
    /**
     * Always Free tenancies only: what the API would refuse (`LimitExceeded`), one sentence per
     * line over its allowance, naming the resource and the allowance. Empty for pay-as-you-go.
     */
    refused: string[];
    /** The monthly cost of the excess; zero lines in an Always Free tenancy (it cannot be billed). */
    overage: Overage;
}

export interface FreeTierReport {
    allowancesVersion: string;
    allowancesAsOf: string;
    accounts: FreeTierUsage[];
    fits: boolean;
    currency: string;
    /** Sum of every account's monthly overage (pay-as-you-go tenancies only). */
    monthlyOverage: number;
    /** Every Always Free tenancy's refusals, in account order. */
    refused: string[];
}

/** Private connectivity of a tenancy: its region's hub DRG and, for hubs, the EU hub. */
export interface ConnectivityPlan {
    /** Account whose DRG is this region's hub. */
    regionHub: string;
    isRegionHub: boolean;
    /** EU hub (the global hub). */
    globalHub: string;
    isGlobalHub: boolean;
    /** Non-hub accounts: the hub they attach their VCN to (cross-tenancy). */
    attachesTo?: string;
    /** Region hubs other than the global hub: remote peering to the global hub. */
    peersWith?: string;
}

export interface AutonomousDatabasePlan {
    account: string;
    name: string;
    resourceName: string;
    service: string;
    dbName: string;
    workload: "OLTP" | "DW" | "AJD" | "APEX";
    dbVersion: string;
    isFreeTier: boolean;
    dataStorageGb: number;
    /** `/32`s of every VM whose services depend on it (ADB access control list). */
    allowedSources: string[];
}

export interface AccountPlan {
    name: string;
    /** `eu-fe-01`. */
    slug: string;
    role: RoleName;
    region: RegionKey;
    homeRegion: string;
    isRegionHub: boolean;
    regionHub: string;
    connectivity: ConnectivityPlan;
    vcnCidr: string;
    subnets: SubnetPlan[];
    vms: VmPlan[];
    loadBalancer: LoadBalancerPlan;
    networkLoadBalancer?: NetworkLoadBalancerPlan;
    autonomousDatabase?: AutonomousDatabasePlan;
    /** The role's OCI Vault (KMS), when it declares one: it stores the catalogue's generated secrets. */
    ociVault?: { name: string; purpose: string };
    /** The role's Object Storage buckets (private; versioned when asked). */
    buckets: { name: string; purpose: string; versioning: boolean }[];
    /** Dates of the customer-managed key's rotations, oldest first (topology `keyRotations`). */
    keyRotations: string[];
    /** Every ingress rule of the account (NSGs and host firewalls come from this list). */
    firewall: FirewallRule[];
    /** Every egress rule of the account's NSGs (VMs, LB, NLB). */
    egress: EgressRule[];
    storage: StorageBudget;
    freeTier: FreeTierUsage;
}

/** Accounts of one region stack (`pulumi up -s eu`). */
export interface StackPlan {
    region: RegionKey;
    homeRegion: string;
    hub: string;
    accounts: string[];
}

export interface PlanTotals {
    accounts: number;
    vms: number;
    a1Vms: number;
    microVms: number;
    ocpus: number;
    memoryGb: number;
    storageGb: number;
    loadBalancers: number;
    networkLoadBalancers: number;
    autonomousDatabases: number;
    firewallRules: number;
    scrapeTargets: number;
    monthlyOverage: number;
    currency: string;
}

export interface TopologyPlan {
    name: string;
    addressSpace: string;
    /** Base of every alert's `runbook_url`: the topology's `runbookBaseUrl`, or `docs/runbooks` (repository-relative). */
    runbookBaseUrl: string;
    accounts: AccountPlan[];
    stacks: StackPlan[];
    scrapeTargets: ScrapeTarget[];
    freeTier: FreeTierReport;
    totals: PlanTotals;
}

export interface PlanOptions {
    /** Overrides the topology's `addressSpace` (synthetic ×4/×10 topologies widen it). */
    addressSpace?: string;
}

export type { FreeTierAllowances } from "../model/allowances";
