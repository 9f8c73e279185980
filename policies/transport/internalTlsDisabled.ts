import { parse } from "yaml";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { deliveredFilesOf } from "../lib/deliveredFiles";

/** What one delivered config says about its listener's TLS: a reason when it carries clear text. */
export function clearTextListener(path: string, content: string): string | undefined {
    const lines = content.split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
    if (/^\/etc\/vault\/.+\.hcl$/.test(path)) {
        if (lines.some((l) => /^tls_disable\s*=\s*"?(true|1)"?$/.test(l))) return "Vault listener with tls_disable = true";
        return undefined;
    }
    if (/\/redis[^/]*\.conf$/.test(path) && lines.some((l) => /^(maxmemory|bind|requirepass|user)\b/.test(l))) {
        const port = lines.map((l) => /^port\s+(\d+)$/.exec(l)).find(Boolean);
        // Redis listens on 6379 in clear text unless told `port 0`.
        if (!port || port[1] !== "0") return `Redis clear-text port ${port?.[1] ?? "6379 (the default)"} (use port 0 and tls-port)`;
        if (!lines.some((l) => /^tls-port\s+[1-9]\d*$/.test(l))) return "Redis without tls-port";
        const replicaOf = lines.some((l) => /^replicaof\s/.test(l));
        if (replicaOf && !lines.some((l) => /^tls-replication\s+yes$/.test(l))) return "Redis replica replicating in clear text (tls-replication no)";
        return undefined;
    }
    if (/^\/etc\/default\/minio$/.test(path) || (/^\/etc\/default\//.test(path) && lines.some((l) => /^MINIO_VOLUMES=/.test(l)))) {
        // MinIO serves HTTPS only when it finds public.crt/private.key in its certs directory.
        const opts = lines.find((l) => /^MINIO_OPTS=/.test(l)) ?? "";
        if (!/--certs-dir\s+\S/.test(opts)) return "MinIO without --certs-dir (its S3 API would be clear text)";
        return undefined;
    }
    // A MinIO/S3 client (the backup timers' rclone remote, the restore command, the offsite source)
    // pointed at a private address over clear text.
    const clearEndpoint = lines.find((l) => /ENDPOINT="?http:\/\/(10|127)\./.test(l));
    if (clearEndpoint) return `S3 client endpoint in clear text (${clearEndpoint.replace(/^.*ENDPOINT="?/, "").replace(/"$/, "")})`;
    if (/^\/etc\/loki\/.+\.ya?ml$/.test(path) && lines.some((l) => /^http_listen_port:/.test(l))) {
        if (!lines.some((l) => /^http_tls_config:$/.test(l)) || !lines.some((l) => /^cert_file:\s*\S/.test(l))) return "Loki HTTP API without http_tls_config (push and queries in clear text)";
        if (!lines.some((l) => /^client_auth_type:\s*"?RequireAndVerifyClientCert"?$/.test(l))) return "Loki accepting clients without a verified certificate (client_auth_type is not RequireAndVerifyClientCert)";
        return undefined;
    }
    if (/^\/etc\/promtail\/.+\.ya?ml$/.test(path)) {
        const url = lines.find((l) => /^-?\s*url:\s*"?http:\/\//.test(l));
        if (url) return `Promtail pushing to Loki in clear text (${url.replace(/^-?\s*url:\s*/, "")})`;
        return undefined;
    }
    if (/fluent\.conf$/.test(path)) {
        const url = lines.find((l) => /^url\s+http:\/\//.test(l));
        if (url) return `Fluentd sending to Loki in clear text (${url})`;
        return clearTextForward(lines);
    }
    if (/^\/etc\/default\/prometheus$/.test(path)) {
        if (!lines.some((l) => /--web\.config\.file=\S/.test(l))) return "Prometheus API without --web.config.file (no TLS, no client authentication)";
        return undefined;
    }
    if (/^\/etc\/prometheus\/prometheus\.ya?ml$/.test(path)) {
        // The alerting block, up to the next top-level key: its Alertmanagers must be reached over https.
        const alerting = /^alerting:[ \t]*\n((?:[ \t]+\S.*\n|[ \t]*\n)*)/m.exec(content.replace(/#.*$/gm, ""))?.[1] ?? "";
        if (/targets:/.test(alerting) && !/^\s*-?\s*scheme:\s*"?https"?\s*$/m.test(alerting)) return "Prometheus sending alerts to Alertmanager in clear text (alerting.alertmanagers without scheme: https)";
        return undefined;
    }
    if (/^\/etc\/otelcol[^/]*\/.+\.ya?ml$/.test(path)) return clearTextCollector(content);
    if (/^\/etc\/jaeger\/.+\.ya?ml$/.test(path) && lines.some((l) => /^collector\.otlp\.enabled:\s*true$/.test(l))) {
        for (const protocol of ["grpc", "http"]) {
            const key = (name: string) => lines.some((l) => new RegExp(`^collector\\.otlp\\.${protocol}\\.tls\\.${name}:\\s*\\S`).test(l) && !/:\s*(false|""|'')$/.test(l));
            if (!key("enabled") || !key("cert")) return `Jaeger's OTLP/${protocol} receiver without TLS (collector.otlp.${protocol}.tls.enabled/cert)`;
            if (!key("client-ca")) return `Jaeger's OTLP/${protocol} receiver accepting clients without a verified certificate (no collector.otlp.${protocol}.tls.client-ca)`;
        }
        return undefined;
    }
    if (/^\/app\/config\/fastify\.js$/.test(path)) {
        const endpoint = /otel:\s*\{[^}]*?endpoint:\s*"(http:\/\/[^"]+)"/.exec(content)?.[1];
        if (endpoint) return `Fastify exporting traces in clear text (${endpoint})`;
        const fluentd = objectAfter(content.replace(/\/\/.*$/gm, ""), "fluentd:");
        if (fluentd !== undefined && !/tls:\s*\{[^}]*caFile/.test(fluentd)) return "Fastify sending logs to Fluentd in clear text (its fluentd settings have no tls)";
        return undefined;
    }
    if (/^\/etc\/rabbitmq\/rabbitmq\.conf$/.test(path)) {
        const tcp = lines.filter((l) => /^listeners\.tcp(\.|\s*=)/.test(l));
        const off = tcp.length > 0 && tcp.every((l) => /^listeners\.tcp\s*=\s*none$/.test(l));
        // No listeners.tcp line at all means RabbitMQ's default: AMQP in clear text on 5672.
        if (!off) return "RabbitMQ clear-text AMQP listener (listeners.tcp, or its default 5672)";
        if (!lines.some((l) => /^listeners\.ssl\./.test(l))) return "RabbitMQ without a TLS listener (listeners.ssl)";
        return undefined;
    }
    return undefined;
}

/**
 * Mandatory: the internal services that carry credentials or user data across hosts (Vault,
 * Redis, RabbitMQ, MinIO, Loki, Prometheus, Alertmanager, the traces path) speak TLS, and their clients use it. Reads the configs each delivery command installs (its `stdin`),
 * so it judges what will land on the VMs, not what the topology claims.
 */
/**
 * What one delivery says about RabbitMQ's Erlang distribution: a broker with cluster peers needs a
 * `rabbitmq-env.conf` starting the server with `-proto_dist inet_tls` and an `-ssl_dist_optfile`.
 */
export function clearTextDistribution(files: Map<string, string>): string | undefined {
    const conf = files.get("/etc/rabbitmq/rabbitmq.conf");
    if (conf === undefined || !/^cluster_formation\.classic_config\.nodes\./m.test(conf)) return undefined;
    const env = files.get("/etc/rabbitmq/rabbitmq-env.conf") ?? "";
    const server = /^SERVER_ADDITIONAL_ERL_ARGS=(.*)$/m.exec(env)?.[1] ?? "";
    if (!/-proto_dist\s+inet_tls/.test(server) || !/-ssl_dist_optfile\s+\S/.test(server)) return "RabbitMQ cluster peers with a clear-text Erlang distribution (25672; rabbitmq-env.conf needs -proto_dist inet_tls -ssl_dist_optfile)";
    return undefined;
}

/** The `{...}` literal that follows `key` in a rendered JS config (braces matched), if any. */
function objectAfter(source: string, key: string): string | undefined {
    const start = source.indexOf("{", source.indexOf(key));
    if (source.indexOf(key) < 0 || start < 0) return undefined;
    let depth = 0;
    for (let i = start; i < source.length; i++) {
        if (source[i] === "{") depth++;
        else if (source[i] === "}" && --depth === 0) return source.slice(start, i + 1);
    }
    return undefined;
}

/**
 * Fluentd's forward protocol: every `<source> @type forward` needs `<transport tls>` with
 * `client_cert_auth true`, every `@type forward` output `transport tls`.
 */
function clearTextForward(lines: string[]): string | undefined {
    const blocks: { kind: string; body: string[] }[] = [];
    let current: { kind: string; body: string[] } | undefined;
    for (const l of lines) {
        const open = /^<(source|match)\b/.exec(l);
        if (open && !current) current = { kind: open[1], body: [] };
        else if (current && new RegExp(`^</${current.kind}>$`).test(l)) {
            blocks.push(current);
            current = undefined;
        } else current?.body.push(l);
    }
    for (const b of blocks) {
        if (!b.body.some((l) => /^@type\s+forward$/.test(l))) continue;
        if (b.kind === "source") {
            if (!b.body.some((l) => /^<transport\s+tls>$/.test(l))) return "Fluentd in_forward in clear text (no <transport tls>)";
            if (!b.body.some((l) => /^client_cert_auth\s+true$/.test(l))) return "Fluentd in_forward accepting senders without a verified certificate (client_cert_auth is not true)";
        } else if (!b.body.some((l) => /^transport\s+tls$/.test(l))) return "Fluentd forwarding in clear text (out_forward without transport tls)";
    }
    return undefined;
}

/** The OpenTelemetry Collector's config: OTLP receivers must require client certificates, OTLP exporters must not be insecure. */
export function clearTextCollector(content: string): string | undefined {
    let config: { receivers?: Record<string, { protocols?: Record<string, { tls?: Record<string, unknown> } | null> } | null>; exporters?: Record<string, { endpoint?: string; tls?: { insecure?: boolean } } | null> };
    try {
        config = (parse(content) ?? {}) as typeof config;
    } catch {
        return undefined; // not YAML: its own checker (otelcol-contrib validate) refuses it
    }
    for (const [name, receiver] of Object.entries(config.receivers ?? {})) {
        if (!/^otlp(\/|$)/.test(name)) continue;
        for (const [protocol, settings] of Object.entries(receiver?.protocols ?? {})) {
            const tls = settings?.tls;
            if (!tls?.cert_file) return `the collector's ${name} ${protocol} receiver without TLS (receivers.${name}.protocols.${protocol}.tls)`;
            if (!tls.client_ca_file) return `the collector's ${name} ${protocol} receiver accepting clients without a verified certificate (no client_ca_file)`;
        }
    }
    for (const [name, exporter] of Object.entries(config.exporters ?? {})) {
        if (!/^otlp(http)?(\/|$)/.test(name)) continue;
        if (exporter?.tls?.insecure === true || /^http:\/\//.test(exporter?.endpoint ?? "")) return `the collector's ${name} exporter sending in clear text (${exporter?.endpoint ?? "?"})`;
    }
    return undefined;
}

/**
 * What one delivery says about Alertmanager: one that installs its config must also install the
 * systemd drop-in that starts it with `--web.config.file` (a web config requiring client
 * certificates) and either `--cluster.tls-config` or gossip turned off (`--cluster.listen-address=`).
 */
export function clearTextAlertmanager(files: Map<string, string>): string | undefined {
    if (![...files.keys()].some((p) => /^\/etc\/alertmanager\/alertmanager\.ya?ml$/.test(p))) return undefined;
    const dropIns = [...files.entries()].filter(([p]) => /^\/etc\/systemd\/system\/alertmanager\.service\.d\/[^/]+\.conf$/.test(p)).sort(([a], [b]) => a.localeCompare(b));
    const execStart = dropIns
        .flatMap(([, c]) => c.split("\n"))
        .map((l) => /^ExecStart=(.*)$/.exec(l.trim())?.[1])
        .filter((v): v is string => v !== undefined)
        .pop();
    if (!execStart) return "Alertmanager started by its unit's own command: no drop-in adds --web.config.file (its API, 9093, in clear text and open to anyone)";
    const webConfig = /--web\.config\.file=(\S+)/.exec(execStart)?.[1];
    if (!webConfig) return "Alertmanager without --web.config.file (its API, 9093, in clear text and open to anyone)";
    const web = (files.get(webConfig) ?? "").replace(/#.*$/gm, "");
    if (!/^\s*cert_file:\s*\S/m.test(web) || !/^\s*client_auth_type:\s*"?RequireAndVerifyClientCert"?\s*$/m.test(web)) return `Alertmanager's web config ${webConfig} does not serve TLS requiring a verified client certificate`;
    const gossipOff = /--cluster\.listen-address=(\s|$)/.test(execStart);
    if (!gossipOff && !/--cluster\.tls-config=\S/.test(execStart)) return "Alertmanager gossip (9094) in clear text: neither --cluster.tls-config nor --cluster.listen-address= (off)";
    return undefined;
}

export const internalTlsDisabled: BlitzStackPolicy = {
    name: "no-internal-service-without-tls",
    description:
        "Vault, Redis, RabbitMQ (AMQP and its Erlang distribution), MinIO and its S3 clients, Loki and its pushers, Prometheus and Alertmanager (API, gossip, Prometheus' alerting client), Fluentd's forward protocol, and the traces path (Fastify's exporter, the OpenTelemetry Collector, Jaeger) keep TLS on in the configs delivered to the VMs; Loki, Prometheus, Alertmanager, the collector and Jaeger require client certificates.",
    enforcementLevel: "mandatory",
    // Inside the VMs' configs: neither CIS OCI nor Checkov looks there.
    frameworks: PROJECT_RULE,
    remediationSteps:
        "Serve the listener with a certificate of the internal CA (render/internalPki.ts internalTlsFiles): Vault tls_disable = false with tls_cert_file/tls_key_file; Redis port 0 with tls-port and tls-replication yes; RabbitMQ listeners.tcp = none with listeners.ssl.default, and -proto_dist inet_tls with -ssl_dist_optfile in rabbitmq-env.conf; MinIO --certs-dir and https:// endpoints in its clients; Loki http_tls_config with client_auth_type RequireAndVerifyClientCert and https:// in Promtail and Fluentd; Prometheus --web.config.file; Alertmanager --web.config.file (RequireAndVerifyClientCert) and --cluster.tls-config from its systemd drop-in, and scheme: https in Prometheus' alerting.alertmanagers; the collector's OTLP receivers with tls.cert_file and tls.client_ca_file, its OTLP exporters without insecure; Jaeger collector.otlp.<grpc|http>.tls.enabled/cert/client-ca; Fastify's otel endpoint https://; Fluentd in_forward <transport tls> with client_cert_auth true, out_forward transport tls, and tls in Fastify's fluentd settings.",
    validateStack: (args, reportViolation) => {
        const delivered = deliveredFilesOf(args.resources);
        const perCommand = new Map<string, { command: (typeof delivered)[number]["command"]; files: Map<string, string> }>();
        for (const file of delivered) {
            const reason = clearTextListener(file.path, file.content);
            if (reason) reportViolation(`${file.command.name}: ${file.path}: ${reason}; credentials and data would cross the network in clear text`, file.command.urn);
            const entry = perCommand.get(file.command.urn) ?? { command: file.command, files: new Map<string, string>() };
            entry.files.set(file.path, file.content);
            perCommand.set(file.command.urn, entry);
        }
        for (const { command, files } of perCommand.values()) {
            const reason = clearTextDistribution(files);
            if (reason) reportViolation(`${command.name}: ${reason}; queue contents and the cluster's state would cross the network in clear text`, command.urn);
            const alertmanager = clearTextAlertmanager(files);
            if (alertmanager) reportViolation(`${command.name}: ${alertmanager}; anyone who reaches it could post alerts or silence them`, command.urn);
        }
    },
};
