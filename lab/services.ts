/**
 * What the lab builds of a stack: which VMs, which of their services run as real daemons here,
 * which run as stand-ins (apps this repository does not contain), and which cannot run, with why.
 */

/** VMs of the eu stack in the lab (`ACCOUNT/vm`): the main paths of docs/design.md §6. */
export const LAB_VMS: Record<string, string[]> = {
    eu: [
        "EU-FE-01/app",
        "EU-BE-01/api",
        "EU-BE-01/redis-primary",
        "EU-BE-01/redis-replica",
        "EU-NET-01/haproxy-1",
        "EU-MON-01/observability",
        "EU-MON-01/alertmanager",
        "EU-DATA-01/broker",
    ],
};

/** The lab's own hosts: the load balancers' side of the VMs' firewalls (addresses inside their subnets). */
export const LAB_CLIENTS: Record<string, { name: string; ip: string; role: string }[]> = {
    eu: [
        { name: "fe-lb", ip: "10.0.1.66", role: "the OCI load balancer in front of EU-FE-01's Nginx (its subnet 10.0.1.64/29)" },
        { name: "net-lb", ip: "10.0.9.5", role: "the network load balancer in front of EU-NET-01's HAProxy (its subnet 10.0.9.0/28)" },
    ],
};

/** Apps this repository does not contain: a stand-in runs where the rendered config says. */
export const STAND_IN_APPS: Record<string, { script: string; user: string }> = {
    fastify: { script: "standins/fastify.mjs", user: "app" },
    react: { script: "standins/react.mjs", user: "app" },
};

/** Services that cannot run here, and why; their configs are not delivered (their validators are absent too). */
export const NOT_RUN: Record<string, string> = {
    promtail: "release binary from GitHub; neither Debian nor npm ships Promtail",
    grafana: "vendor apt repository (apt.grafana.com); not in Debian",
    jaeger: "release binary from GitHub; not in Debian or npm",
    "otel-collector": "release binary (otelcol-contrib); not in Debian or npm",
    minio: "not in Debian or npm; its S3 API is served at MinIO's address by s3rver (npm), which checks access keys but not SigV4 signatures",
};

