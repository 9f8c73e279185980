/**
 * The shape of the topology file (`topology/blitzhub.yaml`).
 *
 * This is the structural layer only: types, ranges and unknown-key rejection. Checks that
 * need more than one field at a time (a dependency on a service that does not exist, a port
 * bound twice on one VM, memory over the VM, an account in the wrong region, overlapping
 * blocks) live in `model/validate.ts` and report the same way: a YAML path per problem.
 */
import { z } from "zod";

export const REGION_KEYS = ["eu", "na", "sa", "as", "au"] as const;
export const RegionKey = z.enum(REGION_KEYS);
export type RegionKey = z.infer<typeof RegionKey>;

export const ROLE_NAMES = [
    "frontend",
    "backend",
    "solana",
    "security",
    "monitoring",
    "management",
    "data",
    "logs",
    "network",
] as const;
export const RoleName = z.enum(ROLE_NAMES);
export type RoleName = z.infer<typeof RoleName>;

/** Lower-case label used to derive resource names (`eu-fe-01-app`); never an index. */
const Label = z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "must be a lower-case label (a-z, 0-9, '-'), 2-32 characters");
const AccountName = z
    .string()
    .regex(/^[A-Z]{2}-[A-Z0-9]+-\d{2}$/, "must look like EU-FE-01 (REGION-ROLE-NN)");
const Cidr = z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR such as 10.0.1.0/24");
const Port = z.number().int().min(1).max(65535);
const Version = z.string().min(1);
/** Prometheus-style duration: 30s, 5m, 1h, 7d. */
const Duration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, "must be a duration such as 5m or 15s");
/** systemd OnCalendar expression, e.g. `*-*-* 02:00:00 UTC` or `Sun *-*-* 03:00:00 UTC`. */
const OnCalendar = z.string().min(1);

export const Protocol = z.enum(["tcp", "udp"]);
export type Protocol = z.infer<typeof Protocol>;

/** A port a service listens on. `name` is how dependencies, LB backend sets and scrape jobs refer to it. */
export const ServicePort = z.strictObject({
    name: Label,
    port: Port,
    /** Last port of a range (Solana gossip/TPU 8000-8020); absent for a single port. */
    toPort: Port.optional(),
    protocol: z.enum(["tcp", "udp", "tcp+udp"]).default("tcp"),
    /** Prometheus scrapes this port. */
    metrics: z.boolean().default(false),
    metricsPath: z.string().startsWith("/").default("/metrics"),
    /** Query parameters of the scrape (Prometheus `params`), e.g. Vault's `format: [prometheus]`. */
    metricsParams: z.record(z.string(), z.array(z.string())).optional(),
    /** Only reachable on 127.0.0.1; never opened in any firewall. */
    localOnly: z.boolean().default(false),
    /**
     * The listener speaks TLS with a certificate of the deployment's internal CA
     * (render/internalPki.ts): clients and scrapes use `https://` and verify it.
     */
    tls: z.boolean().default(false),
    /**
     * The port serves TLS to the account's load balancer with a leaf of the backend CA (ECDSA
     * P-256, render/backendPki.ts), which OCI's load balancer can verify: a backend set on this
     * port re-encrypts (`sslConfiguration`, peer verified) and health-checks over TLS.
     */
    loadBalancerTls: z.boolean().default(false),
    description: z.string().optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

/** `fastify` depends on `redis` port `redis`: opens redis:6379 to the VMs running fastify. */
export const Dependency = z.strictObject({
    service: Label,
    /** Port names on the target service; all of its non-local ports when omitted. */
    ports: z.array(Label).min(1).optional(),
    /**
     * Which instance of the service to use: the same account, the same region, or a named
     * account. `nearest` (the default) picks same account, then same region, then the EU one.
     */
    scope: z
        .string()
        .regex(/^(nearest|account|region|all|[A-Z]{2}-[A-Z0-9]+-\d{2})$/, "must be nearest, account, region, all, or an account name such as EU-LOG-01")
        .default("nearest"),
    reason: z.string().optional(),
});
export type Dependency = z.infer<typeof Dependency>;

/** A secret the service needs, named by its Vault path in the spec. Values never live here. */
export const SecretRef = z.strictObject({
    /** Vault path from the spec, e.g. `secret/redis_password`. */
    path: z.string().regex(/^secret\/[a-z0-9_/]+$/, "must be a Vault path such as secret/redis_password"),
    /** How the value is produced: random by Pulumi, or set by hand after `vault operator init`. */
    source: z.enum(["random", "manual"]).default("random"),
    length: z.number().int().min(16).max(128).default(32),
    description: z.string().optional(),
});
export type SecretRef = z.infer<typeof SecretRef>;

export const AlertRule = z.strictObject({
    alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Prometheus alert name"),
    expr: z.string().min(1),
    for: Duration,
    severity: z.enum(["critical", "warning", "info"]),
    summary: z.string().optional(),
    /** The expression as the spec wrote it, kept when `expr` corrects it. */
    specExpr: z.string().optional(),
    /** Why `expr` differs from `specExpr`. Required when `specExpr` is set. */
    fix: z.string().optional(),
});
export type AlertRule = z.infer<typeof AlertRule>;

export const Backup = z.strictObject({
    /** systemd OnCalendar; the spec's times are UTC. */
    schedule: OnCalendar,
    /** Paths on the VM copied to MinIO. */
    paths: z.array(z.string().startsWith("/")).min(1),
    /** Prefix in the MinIO backup bucket, the spec's `/backups/<name>`. */
    target: z.string().startsWith("/backups/"),
    /** Days kept in MinIO. */
    retentionDays: z.number().int().min(1).default(30),
});
export type Backup = z.infer<typeof Backup>;

export const Logrotate = z.strictObject({
    paths: z.array(z.string().startsWith("/")).min(1),
    frequency: z.enum(["daily", "weekly", "monthly"]).default("daily"),
    rotate: z.number().int().min(1).default(7),
});
export type Logrotate = z.infer<typeof Logrotate>;

export const Permission = z.strictObject({
    path: z.string().startsWith("/"),
    owner: z.string(),
    group: z.string(),
    mode: z.string().regex(/^0?[0-7]{3,4}$/),
    recursive: z.boolean().default(false),
});

export const HealthCheck = z.strictObject({
    /** Port name on the service. */
    port: Label,
    protocol: z.enum(["HTTP", "TCP"]).default("HTTP"),
    path: z.string().startsWith("/").default("/health"),
    expectStatus: z.number().int().min(100).max(599).default(200),
});

/**
 * A vendor apt repository, as the vendor's install docs give it: the signing key (fetched over
 * HTTPS into its own keyring, used only for this repository) and the `deb` line. `{codename}`
 * in `suite` is the VM's Ubuntu codename (`jammy`).
 */
export const AptRepository = z.union([
    z.strictObject({
        /** Name of the keyring and list file (`nginx` → `/etc/apt/sources.list.d/blitzhub-nginx.list`). */
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
        keyUrl: z.string().regex(/^https:\/\/\S+$/, "must be an https:// URL"),
        url: z.string().regex(/^https?:\/\/\S+$/, "must be an http(s):// URL"),
        suite: z.string().regex(/^\S+$/),
        components: z.array(z.string().regex(/^\S+$/)).min(1),
    }),
    z.strictObject({
        /** A Launchpad PPA (`vbernat/haproxy-2.8`), added with add-apt-repository. */
        ppa: z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, "must be owner/name"),
    }),
]);

/**
 * What runs an npm service on its VM: Node.js from a vendor apt repository, the global npm tools
 * that run the app (PM2), and the account the app runs as (with a home, for PM2's state).
 */
export const NodeRuntime = z.strictObject({
    /** The apt package (`nodejs`). */
    package: z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/),
    /** Its pin as the repository spells it (`24.`: the major line). */
    aptVersion: z.string().regex(/^\S+$/),
    repositories: z.array(AptRepository).min(1),
    /** Installed with `npm install -g`, each pinned (`pm2@7.0.4`). */
    globalPackages: z.array(z.string().regex(/^(@[a-z0-9-]+\/)?[a-z0-9.-]+@\d\S*$/, "must be name@version")).default([]),
    /** The account PM2 runs the app as. */
    user: z.string().regex(/^[a-z_][a-z0-9_-]*$/),
});
export type NodeRuntime = z.infer<typeof NodeRuntime>;

/** One entry of the service catalogue: everything the spec says about a service. */
export const ServiceDef = z.strictObject({
    displayName: z.string(),
    version: Version,
    /** Spec section (`1`..`9`), or `inferred` with `inferredReason`. */
    specSection: z.string(),
    inferredReason: z.string().optional(),
    description: z.string().optional(),
    /** Debian/apt package or release artifact the bootstrap installs, pinned to `version`. */
    install: z.strictObject({
        method: z.enum(["apt", "release", "pip", "npm", "none"]),
        package: z.string(),
        source: z.string().optional(),
        /** Vendor repositories the apt package comes from; none: the distribution's own archive. */
        repositories: z.array(AptRepository).default([]),
        /**
         * The version as the repository spells it when it is not `version`: with an epoch
         * (`6:7.2.0`), or a series prefix (`2.8.`) where the repository keeps only its newest build.
         */
        aptVersion: z.string().regex(/^\S+$/).optional(),
        /**
         * The package's own version when `version` is another component's: the nginx connector
         * `libnginx-mod-http-modsecurity` (1.0.3) of libmodsecurity (3.0.12). The pin uses it.
         */
        packageVersion: z.string().regex(/^\S+$/).optional(),
        /** Packages of the same source build that must be installed at the same version (`redis-tools`). */
        companions: z.array(z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/)).default([]),
        /** For an npm package: the Node.js runtime and process manager that run it. */
        runtime: NodeRuntime.optional(),
        /**
         * The distribution's package of the service's Prometheus exporter (what serves its
         * `metrics` port when the service itself does not), installed from the distribution's
         * archive; its renderer delivers the exporter's settings.
         */
        exporter: z.string().regex(/^[a-z0-9][a-z0-9.+-]*$/).optional(),
        /**
         * For a release: the sha256 of the downloaded artefact per platform (`linux-arm64`,
         * `linux-amd64`), copied from the vendor's published checksums. The bootstrap verifies
         * every download against it and refuses one whose platform has none.
         */
        sha256: z.partialRecord(z.enum(["linux-arm64", "linux-amd64"]), z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits")).default({}),
        /** Where `sha256` was read (the vendor's checksum file, and who recorded it if not the vendor). */
        checksumSource: z.string().optional(),
    }),
    ports: z.array(ServicePort).default([]),
    /**
     * Default memory limit (MiB); a placement may lower it for a 1 GB micro. 0 only for a
     * `managedBy` service, which never runs on a VM (checked in `model/validate.ts`).
     */
    memoryMb: z.number().int().min(0),
    /** Data the service stores (GiB) that needs a block volume. */
    storageGb: z.number().min(0).default(0),
    maxConnections: z.number().int().min(1).optional(),
    /** Config files the service reads; each is rendered from a template. */
    files: z.array(z.string().startsWith("/")).default([]),
    env: z.record(z.string(), z.string()).default({}),
    /**
     * Settings the spec lists under *Variáveis* that are directives of the service's own config
     * file rather than environment variables (Redis `maxmemory`, ModSecurity `SecRuleEngine`).
     */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** Config snippet the spec gives verbatim (*Configuração*), kept for the template author. */
    specConfig: z.string().optional(),
    /** Tools installed before the service starts that are not services (Solana's Rust/Anchor). */
    prerequisites: z.array(z.string()).default([]),
    dependsOn: z.array(Dependency).default([]),
    /** Start order from the spec's *Ordem*, as service names in order; this one last. */
    startAfter: z.array(Label).default([]),
    secrets: z.array(SecretRef).default([]),
    permissions: z.array(Permission).default([]),
    health: HealthCheck.optional(),
    metrics: z.array(z.string()).default([]),
    alerts: z.array(AlertRule).default([]),
    dashboards: z.array(z.string()).default([]),
    backup: z.array(Backup).default([]),
    logrotate: Logrotate.optional(),
    maintenance: z
        .strictObject({
            update: z.string().optional(),
            autoscaling: z.string().optional(),
            snapshot: z.string().optional(),
        })
        .optional(),
    /**
     * Set for services OCI runs for us (the Autonomous Database): never placed on a VM; the
     * account whose role declares the matching managed resource is where it lives.
     */
    managedBy: z.enum(["autonomous-database"]).optional(),
    rollback: z
        .strictObject({
            version: z.string().optional(),
            command: z.string().optional(),
            condition: z.string(),
            fallback: z.string(),
        })
        .optional(),
});
export type ServiceDef = z.infer<typeof ServiceDef>;

/** A service placed on a VM: the catalogue name, optionally with a lower memory limit. */
export const Placement = z.union([
    Label,
    z.strictObject({
        service: Label,
        memoryMb: z.number().int().min(16).optional(),
        /** Role of this instance where it differs (`replica`, `forwarder`, `peer`). */
        mode: z.string().optional(),
        reason: z.string().optional(),
    }),
]);
export type Placement = z.infer<typeof Placement>;

export const BlockVolume = z.strictObject({
    name: Label,
    sizeGb: z.number().int().min(50, "OCI block volumes are at least 50 GB"),
    mountPath: z.string().startsWith("/"),
    /** Oracle-defined backup policy (bronze/silver/gold) or none. */
    backupPolicy: z.enum(["bronze", "silver", "gold", "none"]).default("bronze"),
    /** Service whose data lives here (for the storage budget report). */
    for: z.array(Label).default([]),
});
export type BlockVolume = z.infer<typeof BlockVolume>;

export const Vm = z.strictObject({
    name: Label,
    shape: z.enum(["VM.Standard.A1.Flex", "VM.Standard.E2.1.Micro"]),
    ocpus: z.number().positive(),
    memoryGb: z.number().positive(),
    /** Boot volume size; OCI's range (50 GB - 32 TB) is checked against `data/oci-limits.yaml`. */
    bootVolumeGb: z.number().int().min(1),
    blockVolumes: z.array(BlockVolume).default([]),
    services: z.array(Placement).min(1),
    /**
     * Overrides the role's VM exposure for this VM: the management bastions are public
     * (WireGuard only) in an otherwise private account. The plan gives them a public subnet.
     */
    exposure: z.enum(["public", "private"]).optional(),
    description: z.string().optional(),
    /** Why this VM has this job, where the spec does not say. */
    inferredReason: z.string().optional(),
});
export type Vm = z.infer<typeof Vm>;

export const BackendSet = z.strictObject({
    name: Label,
    /** Service whose VMs become the backends, on its port `port`. */
    service: Label,
    port: Label,
    policy: z.enum(["WEIGHTED_ROUND_ROBIN", "LEAST_CONNECTIONS", "IP_HASH"]).default("WEIGHTED_ROUND_ROBIN"),
    healthCheck: z.strictObject({
        protocol: z.enum(["HTTP", "TCP"]).default("HTTP"),
        path: z.string().startsWith("/").default("/health"),
        /** Service port name to probe, when it differs from the traffic port. */
        port: Label.optional(),
        intervalMs: z.number().int().min(1000).default(10000),
        timeoutMs: z.number().int().min(1000).default(3000),
        retries: z.number().int().min(1).default(3),
        returnCode: z.number().int().min(100).max(599).default(200),
    }),
    /** Cookie-based stickiness (WebSocket backend sets, as the spec asks). */
    sessionPersistence: z
        .strictObject({ cookieName: z.string().default("X-Oracle-BMC-LBS-Route"), disableFallback: z.boolean().default(false) })
        .optional(),
    /** Weight per VM name; 1 when absent. */
    weights: z.record(Label, z.number().int().min(1).max(100)).default({}),
    /**
     * Further backends marked `backup` (OCI sends them traffic only when every primary backend
     * is down). Each must speak the set's protocol: TLS (`loadBalancerTls`) when the set re-encrypts.
     */
    backupBackends: z.array(z.strictObject({ service: Label, port: Label })).default([]),
});
export type BackendSet = z.infer<typeof BackendSet>;

export const Listener = z.strictObject({
    name: Label,
    port: Port,
    protocol: z.enum(["HTTP", "TCP"]),
    backendSet: Label,
    idleTimeoutSeconds: z.number().int().min(1).max(7200).optional(),
    /** HTTPS: an HTTP listener that terminates TLS with the stack's edge certificate (`blitzhub-edge:*`). */
    tls: z.boolean().default(false),
    /** Answers every request with a 301 to the load balancer's HTTPS listener (port 80 of a public LB). */
    redirectToHttps: z.boolean().default(false),
});

export const LoadBalancer = z.strictObject({
    name: Label,
    bandwidthMbps: z.strictObject({ min: z.number().int().min(10), max: z.number().int().min(10) }),
    /**
     * Public DNS names clients reach the HTTPS listeners by (`app.example.com`): the stack's edge
     * certificate must cover each, or the stack config is refused before anything is created.
     */
    hostNames: z
        .array(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name (app.example.com)"))
        .default([]),
    listeners: z.array(Listener).min(1),
    backendSets: z.array(BackendSet).min(1),
});
export type LoadBalancer = z.infer<typeof LoadBalancer>;

export const NetworkLoadBalancer = z.strictObject({
    name: Label,
    listeners: z
        .array(
            z.strictObject({
                name: Label,
                protocol: z.enum(["TCP", "UDP", "TCP_AND_UDP"]),
                port: Port,
                toPort: Port.optional(),
                backendSet: Label,
            }),
        )
        .min(1),
    backendSets: z
        .array(
            z.strictObject({
                name: Label,
                service: Label,
                port: Label,
                policy: z.enum(["FIVE_TUPLE", "THREE_TUPLE", "TWO_TUPLE"]).default("FIVE_TUPLE"),
                preserveSourceIp: z.boolean().default(true),
                healthCheck: z.strictObject({
                    protocol: z.enum(["TCP", "HTTP", "UDP"]),
                    port: Port,
                    path: z.string().startsWith("/").optional(),
                }),
            }),
        )
        .min(1),
    inferredReason: z.string().optional(),
});
export type NetworkLoadBalancer = z.infer<typeof NetworkLoadBalancer>;

export const Exposure = z.enum(["public", "private"]);

/** A role: the VM layout, load balancers and address block its accounts share. */
export const Role = z.strictObject({
    specSection: z.string(),
    description: z.string().optional(),
    inferredReason: z.string().optional(),
    /** The role's block in the address space; its accounts get equal slices of it. */
    block: Cidr,
    exposure: z.strictObject({
        /** Whether the VM subnet is public (VMs get public IPs) or private (`prohibitPublicIpOnVnic`). */
        vms: Exposure,
        loadBalancer: Exposure,
    }),
    vms: z.array(Vm).min(1),
    loadBalancer: LoadBalancer,
    networkLoadBalancer: NetworkLoadBalancer.optional(),
    /** Always Free Autonomous Database (EU-DATA-01): the home of the spec's `oracle-adb`. */
    autonomousDatabase: z
        .strictObject({
            name: Label,
            /** Catalogue service (with `managedBy: autonomous-database`) it provides. */
            service: Label,
            dbName: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,13}$/, "must be 1-14 letters/digits, starting with a letter"),
            workload: z.enum(["OLTP", "DW", "AJD", "APEX"]).default("OLTP"),
            dbVersion: z.string().default("19c"),
            isFreeTier: z.boolean().default(true),
            dataStorageGb: z.number().int().min(20).default(20),
        })
        .optional(),
    /** OCI Object Storage buckets (backups of MinIO, ledger snapshots); private and versioned. */
    buckets: z
        .array(z.strictObject({ name: Label, purpose: z.string(), versioning: z.boolean().default(true) }))
        .default([]),
    /**
     * OCI Vault (KMS) holding every catalogue secret and the auto-unseal key of HashiCorp Vault
     * (EU-SEC-01).
     */
    ociVault: z.strictObject({ name: Label, purpose: z.string() }).optional(),
});
export type Role = z.infer<typeof Role>;

/**
 * How the tenancy is billed. `alwaysFree`: OCI refuses anything beyond the Always Free
 * allowances (`LimitExceeded`), so the plan must fit them; `payAsYouGo`: the excess is billed
 * and the plan reports its monthly cost.
 */
export const BillingMode = z.enum(["alwaysFree", "payAsYouGo"]);
export type BillingMode = z.infer<typeof BillingMode>;

export const Billing = z.strictObject({
    mode: BillingMode,
    /** Why this mode: what fits the free tier, or what must be paid for. */
    reason: z.string().min(1, "say why the tenancy is billed this way"),
});
export type Billing = z.infer<typeof Billing>;

export const Account = z.strictObject({
    name: AccountName,
    role: RoleName,
    region: RegionKey,
    billing: Billing,
    /** Overrides the region's default home region (Always Free exists only in the home region). */
    homeRegion: z.string().optional(),
    description: z.string().optional(),
    inferredReason: z.string().optional(),
});
export type Account = z.infer<typeof Account>;

export const Region = z.strictObject({
    /** Default OCI home region of the region's tenancies, e.g. `eu-frankfurt-1`. */
    homeRegion: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, "must be an OCI region id such as eu-frankfurt-1"),
    /** Account whose DRG is the region's hub (the EU hub is the global hub). */
    hub: AccountName,
});

export const Shape = z.strictObject({
    /** Memory the OS, sshd, the host firewall and the agents keep; services get the rest. */
    reservedMemoryMb: z.number().int().min(0),
    architecture: z.enum(["arm64", "amd64"]),
    flexible: z.boolean(),
});

/** The spec's headline load and latency targets; the plan and alerting read them, none is enforced here. */
export const Objectives = z.strictObject({
    concurrentUsers: z.number().int().min(1),
    /** Requests per second per tier (`frontend`, `backend`). */
    requestsPerSecond: z.record(z.string(), z.number().int().min(1)),
    solanaTxPerHour: z.number().int().min(1),
    /** Real-time operations carried over WebSocket. */
    websocketOperations: z.number().int().min(1),
    /** Latency objectives in milliseconds (`api`, `assets`, `websocket`, `intraRegion`). */
    latencySlosMs: z.record(z.string(), z.number().positive()),
});
export type Objectives = z.infer<typeof Objectives>;

export const Topology = z.strictObject({
    version: z.literal(1),
    name: z.string(),
    /** What the platform is for, from the spec's header. */
    purpose: z.string().optional(),
    objectives: Objectives.optional(),
    /** The whole private address space; every VCN is carved inside it. */
    addressSpace: Cidr,
    /**
     * Where the generated runbooks (`docs/runbooks/`) are published, e.g. the repository's
     * `…/blob/main/docs/runbooks` on its Git host: every alert's `runbook_url` starts with it.
     * Unset, the links are repository-relative (`docs/runbooks/<service>.md#…`).
     */
    runbookBaseUrl: z
        .string()
        .regex(/^https:\/\/[^\s/]+(\/[^\s#?]*)?$/, "must be an https:// address (the folder that holds the runbook pages)")
        .refine((url) => !url.endsWith("/"), "must not end with '/' (pages are appended as /<service>.md)")
        .optional(),
    regions: z.record(RegionKey, Region),
    shapes: z.strictObject({ "VM.Standard.A1.Flex": Shape, "VM.Standard.E2.1.Micro": Shape }),
    /** Services every VM runs (node_exporter, Promtail), placed in addition to the VM's list. */
    everyVm: z.array(Label).default([]),
    services: z.record(Label, ServiceDef),
    roles: z.record(RoleName, Role),
    accounts: z.array(Account).min(1),
    /**
     * The dates each tenancy's customer-managed key is rotated (CIS 4.16), oldest first: every
     * date is one new key version (`oci.kms.KeyVersion`) created by the `pulumi up` that first
     * sees it. A DEFAULT vault has no automatic rotation, so rotating is adding a date here
     * (docs/runbook.md). Dates are never removed: a key version's deletion would leave the data
     * it encrypted unreadable. The CIS policy fails when the newest is older than 365 days.
     */
    keyRotations: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-11-30")).default([]),
});
export type Topology = z.infer<typeof Topology>;
/** The topology as written, before defaults. Used by tests only (fixtures built in code). */
export type TopologyInput = z.input<typeof Topology>;

export type Permission = z.infer<typeof Permission>;
export type HealthCheck = z.infer<typeof HealthCheck>;
export type Listener = z.infer<typeof Listener>;
export type Region = z.infer<typeof Region>;
export type Shape = z.infer<typeof Shape>;
export type Exposure = z.infer<typeof Exposure>;
