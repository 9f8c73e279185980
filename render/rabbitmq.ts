/** RabbitMQ on EU-DATA-01: a three-node cluster (classic peer discovery by hostname), the spec's queues as quorum queues. */
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** The queues the spec names (Fastify publishes buy_queue; Solana publishes transaction_notifications). */
export const RABBITMQ_QUEUES = ["buy_queue", "transaction_notifications"];

export function renderRabbitmq(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const amqp = requirePort(placement, `${label} rabbitmq`, "amqp");
    const management = requirePort(placement, `${label} rabbitmq`, "management", "http");
    const metrics = requirePort(placement, `${label} rabbitmq`, "metrics", "prometheus");
    const password = placement.def.secrets.find((s) => /rabbit/.test(s.path)) ?? placement.def.secrets[0];
    if (!password) throw new Error(`${label} rabbitmq: the catalogue declares no password secret`);
    const peers = instancesOf(plan, "rabbitmq", account.name).map((i) => ({ host: i.vm.resourceName, ip: i.vm.privateIp }));
    const owner = { owner: "rabbitmq", group: "rabbitmq" };
    const reload = "systemctl restart rabbitmq-server";
    return [
        {
            path: "/etc/rabbitmq/rabbitmq.conf",
            content: renderTemplate("rabbitmq/rabbitmq.conf.hbs", {
                vmLabel: label,
                version: placement.def.version,
                mode: placement.mode ?? "node",
                ip: vm.privateIp,
                amqpPort: amqp.port,
                managementPort: management.port,
                metricsPort: metrics.port,
                passwordSecret: password.path,
                memoryWatermarkMb: Math.floor(placement.memoryMb * 0.6),
                peers,
            }),
            mode: "0640",
            ...owner,
            reload,
        },
        { path: "/etc/rabbitmq/definitions.json", content: renderTemplate("rabbitmq/definitions.json.hbs", { queues: RABBITMQ_QUEUES }), mode: "0640", ...owner, reload },
        { path: "/etc/rabbitmq/enabled_plugins", content: renderTemplate("rabbitmq/enabled_plugins.hbs", {}), mode: "0644", ...owner, reload },
    ];
}
