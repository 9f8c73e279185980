/**
 * Small BlitzHub-shaped topologies for the plan tests, parsed through the real schema so the
 * defaults are the ones the model applies. `scaledTopology` multiplies the accounts (×4, ×10)
 * the way the bench does, with a wider address space.
 */
import { Topology, type TopologyInput } from "../../model/schema";

/** Billing of the fixture tenancies: pay-as-you-go, so the plan costs what exceeds the free tier. */
export const PAYG = { mode: "payAsYouGo", reason: "fixture: costed, not refused" } as const;

type ServiceInput = TopologyInput["services"][string];

function service(name: string, ports: ServiceInput["ports"], extra: Partial<ServiceInput> = {}): ServiceInput {
    return {
        displayName: name,
        version: "1.0.0",
        specSection: "1",
        install: { method: "apt", package: name },
        ports,
        memoryMb: 128,
        ...extra,
    };
}

const micro = { shape: "VM.Standard.E2.1.Micro" as const, ocpus: 1, memoryGb: 1, bootVolumeGb: 50 };
const a1 = { shape: "VM.Standard.A1.Flex" as const, ocpus: 4, memoryGb: 24, bootVolumeGb: 50 };

function lb(service: string, port: string, listenerPort: number, sticky = false): TopologyInput["roles"]["frontend"]["loadBalancer"] {
    return {
        name: "lb",
        bandwidthMbps: { min: 10, max: 10 },
        listeners: [{ name: "main", port: listenerPort, protocol: "HTTP", backendSet: "main" }],
        backendSets: [
            {
                name: "main",
                service,
                port,
                healthCheck: { protocol: "HTTP", path: sticky ? "/ws/health" : "/health" },
                ...(sticky ? { sessionPersistence: {} } : {}),
            },
        ],
    };
}

export function fixtureInput(): TopologyInput {
    return {
        version: 1,
        name: "fixture",
        addressSpace: "10.0.0.0/16",
        regions: {
            eu: { homeRegion: "eu-frankfurt-1", hub: "EU-NET-01" },
            na: { homeRegion: "us-ashburn-1", hub: "NA-BE-01" },
            sa: { homeRegion: "sa-saopaulo-1", hub: "SA-FE-01" },
            as: { homeRegion: "ap-singapore-1", hub: "AS-FE-01" },
            au: { homeRegion: "ap-sydney-1", hub: "AU-FE-01" },
        },
        shapes: {
            "VM.Standard.A1.Flex": { reservedMemoryMb: 1024, architecture: "arm64", flexible: true },
            "VM.Standard.E2.1.Micro": { reservedMemoryMb: 256, architecture: "amd64", flexible: false },
        },
        everyVm: ["node-exporter", "promtail"],
        services: {
            "node-exporter": service("node-exporter", [{ name: "metrics", port: 9100, metrics: true }], { memoryMb: 32 }),
            promtail: service("promtail", [{ name: "http", port: 9080, metrics: true }], {
                memoryMb: 64,
                dependsOn: [{ service: "loki", scope: "EU-MON-01" }],
            }),
            nginx: service("nginx", [{ name: "http", port: 80 }, { name: "status", port: 8081, localOnly: true }], {
                dependsOn: [{ service: "fastify", ports: ["api", "ws"] }],
            }),
            fastify: service("fastify", [{ name: "api", port: 3000, metrics: true }, { name: "ws", port: 3001 }], {
                dependsOn: [{ service: "redis" }, { service: "oracle-adb" }, { service: "vault", scope: "EU-SEC-01" }],
            }),
            redis: service("redis", [{ name: "redis", port: 6379 }]),
            "redis-exporter": service("redis-exporter", [{ name: "metrics", port: 9121, metrics: true }]),
            "solana-validator": service("solana-validator", [
                { name: "rpc", port: 8899 },
                { name: "gossip", port: 8000, toPort: 8020, protocol: "tcp+udp" },
            ], { dependsOn: [{ service: "redis", scope: "account" }, { service: "vault", scope: "EU-SEC-01" }] }),
            vault: service("vault", [{ name: "api", port: 8200, metrics: true, metricsPath: "/v1/sys/metrics" }]),
            prometheus: service("prometheus", [{ name: "web", port: 9090, metrics: true }]),
            loki: service("loki", [{ name: "http", port: 3100, metrics: true }]),
            wireguard: service("wireguard", [{ name: "wg", port: 51820, protocol: "udp" }]),
            haproxy: service("haproxy", [{ name: "ws", port: 3001 }]),
            "oracle-adb": service("oracle-adb", [{ name: "sqlnet", port: 1521 }], {
                install: { method: "none", package: "none" },
                managedBy: "autonomous-database",
            }),
        },
        roles: {
            frontend: {
                specSection: "1",
                block: "10.0.1.0/24",
                exposure: { vms: "public", loadBalancer: "public" },
                vms: [
                    { name: "app", ...a1, services: ["nginx"] },
                    { name: "edge-1", ...micro, services: ["nginx"] },
                    { name: "edge-2", ...micro, services: ["nginx"] },
                ],
                loadBalancer: lb("nginx", "http", 80),
            },
            backend: {
                specSection: "2",
                block: "10.0.2.0/24",
                exposure: { vms: "private", loadBalancer: "public" },
                vms: [
                    { name: "app", ...a1, services: ["fastify"] },
                    { name: "cache", ...micro, services: ["redis", "redis-exporter"] },
                    { name: "cache-replica", ...micro, services: [{ service: "redis", mode: "replica" }] },
                ],
                loadBalancer: {
                    ...lb("fastify", "api", 443),
                    listeners: [
                        { name: "api", port: 443, protocol: "HTTP", backendSet: "api" },
                        { name: "ws", port: 3001, protocol: "HTTP", backendSet: "ws" },
                    ],
                    backendSets: [
                        { name: "api", service: "fastify", port: "api", healthCheck: {} },
                        { name: "ws", service: "fastify", port: "ws", healthCheck: { path: "/ws/health", port: "api" }, sessionPersistence: {}, weights: { app: 3 } },
                    ],
                },
            },
            solana: {
                specSection: "3",
                block: "10.0.3.0/24",
                exposure: { vms: "public", loadBalancer: "public" },
                vms: [
                    { name: "validator", ...a1, bootVolumeGb: 50, blockVolumes: [{ name: "ledger", sizeGb: 100, mountPath: "/mnt/ledger" }], services: ["solana-validator"] },
                    { name: "cache", ...micro, services: ["redis"] },
                    { name: "rpc", ...micro, bootVolumeGb: 50, blockVolumes: [{ name: "spare", sizeGb: 50, mountPath: "/mnt/spare" }], services: ["haproxy"] },
                ],
                loadBalancer: lb("haproxy", "ws", 3001, true),
                networkLoadBalancer: {
                    name: "nlb",
                    listeners: [{ name: "gossip", protocol: "TCP_AND_UDP", port: 8000, toPort: 8020, backendSet: "gossip" }],
                    backendSets: [{ name: "gossip", service: "solana-validator", port: "gossip", healthCheck: { protocol: "TCP", port: 8899 } }],
                },
            },
            security: {
                specSection: "4",
                block: "10.0.4.0/24",
                exposure: { vms: "private", loadBalancer: "private" },
                vms: [
                    { name: "vault", ...a1, services: ["vault"] },
                    { name: "vault-2", ...micro, services: ["vault"] },
                ],
                loadBalancer: lb("vault", "api", 8200),
            },
            monitoring: {
                specSection: "5",
                block: "10.0.5.0/24",
                exposure: { vms: "private", loadBalancer: "private" },
                vms: [{ name: "prometheus", ...a1, services: ["prometheus", "loki"] }],
                loadBalancer: lb("prometheus", "web", 9090),
            },
            management: {
                specSection: "6",
                block: "10.0.6.0/24",
                exposure: { vms: "private", loadBalancer: "private" },
                vms: [
                    { name: "ops", ...a1, services: ["haproxy"] },
                    { name: "bastion-1", ...micro, exposure: "public", services: ["wireguard"] },
                    { name: "bastion-2", ...micro, exposure: "public", services: ["wireguard"] },
                ],
                loadBalancer: lb("haproxy", "ws", 3001),
            },
            data: {
                specSection: "inferred",
                block: "10.0.7.0/24",
                exposure: { vms: "private", loadBalancer: "private" },
                vms: [{ name: "app", ...a1, services: ["haproxy"] }],
                loadBalancer: lb("haproxy", "ws", 3001),
                autonomousDatabase: { name: "adb", service: "oracle-adb", dbName: "blitzhub" },
            },
            logs: {
                specSection: "8",
                block: "10.0.8.0/24",
                exposure: { vms: "private", loadBalancer: "private" },
                vms: [{ name: "app", ...a1, services: ["haproxy"] }],
                loadBalancer: lb("haproxy", "ws", 3001),
            },
            network: {
                specSection: "9",
                block: "10.0.9.0/24",
                exposure: { vms: "private", loadBalancer: "private" },
                vms: [{ name: "app", ...a1, services: ["haproxy"] }],
                loadBalancer: lb("haproxy", "ws", 3001),
            },
        },
        accounts: [
            { name: "EU-FE-01", role: "frontend", region: "eu", billing: PAYG },
            { name: "AS-FE-01", role: "frontend", region: "as", billing: PAYG },
            { name: "EU-BE-01", role: "backend", region: "eu", billing: PAYG },
            { name: "EU-SOL-01", role: "solana", region: "eu", billing: PAYG },
            { name: "AS-SOL-01", role: "solana", region: "as", billing: PAYG },
            { name: "EU-SEC-01", role: "security", region: "eu", billing: PAYG },
            { name: "EU-MON-01", role: "monitoring", region: "eu", billing: PAYG },
            { name: "EU-MGMT-01", role: "management", region: "eu", billing: PAYG },
            { name: "EU-DATA-01", role: "data", region: "eu", billing: PAYG },
            { name: "EU-LOG-01", role: "logs", region: "eu", billing: PAYG },
            { name: "EU-NET-01", role: "network", region: "eu", billing: PAYG },
        ],
    };
}

/** The fixture topology, typed and with the schema's defaults applied. */
export function fixtureTopology(mutate?: (input: TopologyInput) => void): Topology {
    const input = fixtureInput();
    mutate?.(input);
    return Topology.parse(input);
}

const REGION_PREFIX = { eu: "EU", na: "NA", sa: "SA", as: "AS", au: "AU" } as const;

/**
 * `factor` copies of every account (`EU-FE-01` → `EU-FE-01..NN`), as the bench's synthetic
 * topologies do; the address space must then be widened (`addressSpace` option).
 */
export function scaledTopology(base: Topology, factor: number): Topology {
    const accounts = base.accounts.flatMap((account) =>
        Array.from({ length: factor }, (_, i) => {
            const [, role] = account.name.split("-");
            const n = Number(account.name.slice(-2)) + i;
            return { ...account, name: `${REGION_PREFIX[account.region]}-${role}-${String(n).padStart(2, "0")}` };
        }),
    );
    return { ...base, accounts };
}
