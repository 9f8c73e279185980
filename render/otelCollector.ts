/**
 * OpenTelemetry Collector on the MON micro: OTLP in (gRPC/HTTP on the private IP) over mutual TLS,
 * traces out to Jaeger by IP over mutual TLS, every certificate a leaf of the internal CA.
 */
import { internalTlsFiles } from "./internalPki";
import { dependencyTargets, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderOtelCollector(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const jaeger = dependencyTargets(ctx, "jaeger")[0];
    if (!jaeger) throw new Error(`${label} otel-collector: the plan resolves no jaeger target`);
    const grpc = requirePort(placement, label, "otlp-grpc");
    const http = requirePort(placement, label, "otlp-http");
    for (const port of [grpc, http]) {
        if (!port.tls) throw new Error(`${label} otel-collector: the catalogue's port ${port.name} must say tls: true (the receivers take OTLP over mutual TLS)`);
    }
    const jaegerPort = requirePort(jaeger, `${label} → jaeger`, "otlp-grpc");
    if (!jaegerPort.tls) throw new Error(`${label} otel-collector: Jaeger's port ${jaegerPort.name} must say tls: true (the exporter sends over mutual TLS)`);
    const path = placement.def.files.find((f) => f.endsWith(".yaml")) ?? "/etc/otelcol-contrib/config.yaml";
    const dir = path.replace(/\/[^/]+$/, "");
    // One leaf: the receivers' server certificate and the exporter's client certificate toward Jaeger.
    const tls = internalTlsFiles(account, vm, "otel-collector", { dir: `${dir}/tls`, owner: "otel", group: "otel" });
    const validate = `otelcol-contrib validate --config=${path}`;
    const reload = "systemctl restart otelcol-contrib";
    const files: FileSpec[] = [
        {
            path,
            content: renderTemplate("otel-collector/config.yaml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                jaegerLabel: `${jaeger.account}/${jaeger.vm}`,
                grpcListen: `${vm.privateIp}:${grpc.port}`,
                httpListen: `${vm.privateIp}:${http.port}`,
                metricsListen: `${vm.privateIp}:${requirePort(placement, label, "metrics").port}`,
                memoryLimitMib: Math.floor(placement.memoryMb * 0.8),
                jaegerEndpoint: `${jaeger.ip}:${jaegerPort.port}`,
                tls,
            }),
        },
        ...tls.files,
    ];
    return files.map((f) => ({ ...f, validate, reload }));
}
