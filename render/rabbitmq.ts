/** RabbitMQ on EU-DATA-01: a three-node cluster (classic peer discovery by hostname), the spec's queues as quorum queues. */
import { internalTlsFiles } from "./internalPki";
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { secretPlaceholder } from "./secrets";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** The application's RabbitMQ user: no tags (no management, no administration), its queues only. */
export const RABBITMQ_APP_USER = "blitzhub-app";

/** Erlang's TLS options for the distribution between the brokers (`-ssl_dist_optfile`). */
export const RABBITMQ_DIST_TLS_OPTIONS = "/etc/rabbitmq/inter_node_tls.config";

/** The queues the spec names when the catalogue does not list them (`settings.queues`). */
export const DEFAULT_RABBITMQ_QUEUES = ["buy_queue", "transaction_notifications"];

export function renderRabbitmq(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const def = placement.def;
    const amqp = requirePort(placement, `${label} rabbitmq`, "amqp");
    const management = requirePort(placement, `${label} rabbitmq`, "management");
    const metrics = requirePort(placement, `${label} rabbitmq`, "metrics");
    const password = def.secrets.find((s) => /app_password|password/.test(s.path));
    const cookie = def.secrets.find((s) => /erlang_cookie/.test(s.path));
    if (!password || !cookie) throw new Error(`${label} rabbitmq: the catalogue must declare the app password and the erlang cookie secrets`);
    const queues = typeof def.settings.queues === "string" ? def.settings.queues.split(",").map((q) => q.trim()).filter(Boolean) : DEFAULT_RABBITMQ_QUEUES;
    const queueType = String(def.settings.queueType ?? "quorum");
    const watermark = Number(def.settings.vm_memory_high_watermark ?? 0.6);
    const peers = instancesOf(plan, "rabbitmq", account.name).map((i) => ({ host: i.vm.resourceName, ip: i.vm.privateIp }));
    const owner = { owner: "rabbitmq", group: "rabbitmq" };
    const reload = "systemctl restart rabbitmq-server";
    const tls = internalTlsFiles(account, vm, "rabbitmq", { dir: "/etc/rabbitmq/tls", owner: "rabbitmq", reload });
    const escape = (q: string) => q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const queuePattern = `^(${queues.map(escape).join("|")})$`;
    return [
        ...tls.files,
        {
            path: "/etc/rabbitmq/rabbitmq.conf",
            content: renderTemplate("rabbitmq/rabbitmq.conf.hbs", {
                vmLabel: label,
                version: def.version,
                mode: placement.mode ?? "node",
                ip: vm.privateIp,
                amqpPort: amqp.port,
                managementPort: management.port,
                metricsPort: metrics.port,
                tls,
                memoryWatermarkMb: Math.floor(placement.memoryMb * watermark),
                peers,
            }),
            mode: "0640",
            ...owner,
            reload,
        },
        {
            path: "/etc/rabbitmq/definitions.json",
            content: renderTemplate("rabbitmq/definitions.json.hbs", {
                queues,
                queueType,
                appUser: RABBITMQ_APP_USER,
                passwordSecret: password.path,
                queuePattern,
                // Publishing goes through the default exchange to the queues.
                writePattern: `^(amq\\.default|${queues.map(escape).join("|")})$`,
            }),
            mode: "0640",
            ...owner,
            reload,
        },
        // The Erlang distribution between the brokers (25672: cluster membership, queue replication,
        // the CLI tools) over mutual TLS with each broker's leaf, for the server and the CLI alike.
        {
            path: "/etc/rabbitmq/rabbitmq-env.conf",
            content: renderTemplate("rabbitmq/rabbitmq-env.conf.hbs", { vmLabel: label, optionsFile: RABBITMQ_DIST_TLS_OPTIONS }),
            mode: "0644",
            ...owner,
            reload,
        },
        {
            path: RABBITMQ_DIST_TLS_OPTIONS,
            content: renderTemplate("rabbitmq/inter_node_tls.config.hbs", { vmLabel: label, tls }),
            mode: "0640",
            ...owner,
            validate: `erl -noinput -eval '{ok, [Opts]} = file:consult("${RABBITMQ_DIST_TLS_OPTIONS}"), true = is_list(proplists:get_value(server, Opts)), true = is_list(proplists:get_value(client, Opts)), halt().'`,
            reload,
        },
        { path: "/etc/rabbitmq/enabled_plugins", content: renderTemplate("rabbitmq/enabled_plugins.hbs", {}), mode: "0644", ...owner, reload },
        // Every cluster peer shares this cookie; only the secret's placeholder is rendered.
        { path: "/var/lib/rabbitmq/.erlang.cookie", content: secretPlaceholder(cookie.path), mode: "0400", ...owner, reload },
    ];
}
