/**
 * Catalogue ports their service's renderer serves only over TLS (render/loki.ts, render/minio.ts,
 * render/prometheus.ts): the catalogue must say `tls: true` on them, checked with the topology
 * (model/validate.ts) so a user sees the file, field and line, not a failure inside rendering.
 */
export const TLS_ONLY_PORTS: Readonly<Record<string, { ports: readonly string[]; why: string }>> = {
    loki: { ports: ["http"], why: "Loki serves its push and query API over mutual TLS; clients use https:// with their own certificate" },
    minio: { ports: ["api"], why: "MinIO serves its S3 API over TLS only; clients use https://" },
    prometheus: { ports: ["http", "web"], why: "Prometheus serves its API over mutual TLS (--web.config.file)" },
};

/**
 * Services whose renderer serves a `loadBalancerTls` port (render/nginx.ts: the frontend Nginx and
 * the RPC gateway). On any other service the load balancer would expect TLS that nobody serves.
 */
export const LOAD_BALANCER_TLS_SERVICES: readonly string[] = ["nginx", "rpc-gateway"];
