/** OpenTelemetry Collector on the MON micro: OTLP in (gRPC/HTTP on the private IP), traces to Jaeger by IP. */
import { dependencyTargets, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderOtelCollector(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const jaeger = dependencyTargets(ctx, "jaeger")[0];
    if (!jaeger) throw new Error(`${label} otel-collector: the plan resolves no jaeger target`);
    const path = placement.def.files.find((f) => f.endsWith(".yaml")) ?? "/etc/otelcol-contrib/config.yaml";
    return [
        {
            path,
            content: renderTemplate("otel-collector/config.yaml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                jaegerLabel: `${jaeger.account}/${jaeger.vm}`,
                grpcListen: `${vm.privateIp}:${requirePort(placement, label, "otlp-grpc").port}`,
                httpListen: `${vm.privateIp}:${requirePort(placement, label, "otlp-http").port}`,
                metricsListen: `${vm.privateIp}:${requirePort(placement, label, "metrics").port}`,
                memoryLimitMib: Math.floor(placement.memoryMb * 0.8),
                jaegerEndpoint: `${jaeger.ip}:${requirePort(jaeger, `${label} → jaeger`, "otlp-grpc").port}`,
            }),
            validate: `otelcol-contrib validate --config=${path}`,
            reload: "systemctl restart otelcol-contrib",
        },
    ];
}
