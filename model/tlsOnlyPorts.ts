/**
 * Catalogue ports their service's renderer serves only over TLS (render/loki.ts, render/minio.ts,
 * render/prometheus.ts, render/alertmanager.ts, render/otelCollector.ts, render/jaeger.ts, render/fluentd.ts): the
 * catalogue must say `tls: true` on them, checked with the topology (model/validate.ts) so a user
 * sees the file, field and line, not a failure inside rendering. `clientCertificate`: the ports
 * also refuse a client without a certificate of the internal CA (mutual TLS).
 */
export const TLS_ONLY_PORTS: Readonly<Record<string, { ports: readonly string[]; why: string; clientCertificate: boolean }>> = {
    alertmanager: { ports: ["http", "cluster"], why: "Alertmanager serves its API and its peer gossip over mutual TLS (--web.config.file, --cluster.tls-config)", clientCertificate: true },
    fluentd: { ports: ["forward"], why: "Fluentd's in_forward takes logs over mutual TLS (<transport tls> with client_cert_auth); senders present their own certificate", clientCertificate: true },
    jaeger: { ports: ["otlp-grpc", "otlp-http"], why: "Jaeger takes OTLP over mutual TLS (collector.otlp.grpc.tls, collector.otlp.http.tls)", clientCertificate: true },
    loki: { ports: ["http"], why: "Loki serves its push and query API over mutual TLS; clients use https:// with their own certificate", clientCertificate: true },
    minio: { ports: ["api"], why: "MinIO serves its S3 API over TLS only; clients use https://", clientCertificate: false },
    "otel-collector": { ports: ["otlp-grpc", "otlp-http"], why: "the collector's OTLP receivers take traces over mutual TLS; Fastify's exporter presents its own certificate", clientCertificate: true },
    prometheus: { ports: ["http", "web"], why: "Prometheus serves its API over mutual TLS (--web.config.file)", clientCertificate: true },
};

/**
 * Services whose renderer serves a `loadBalancerTls` port (render/nginx.ts: the frontend Nginx and
 * the RPC gateway). On any other service the load balancer would expect TLS that nobody serves.
 */
export const LOAD_BALANCER_TLS_SERVICES: readonly string[] = ["nginx", "rpc-gateway"];
