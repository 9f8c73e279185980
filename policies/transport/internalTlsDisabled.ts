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
 * Redis, RabbitMQ) speak TLS. Reads the configs each delivery command installs (its `stdin`),
 * so it judges what will land on the VMs, not what the topology claims.
 */
export const internalTlsDisabled: BlitzStackPolicy = {
    name: "no-internal-service-without-tls",
    description: "Vault, Redis and RabbitMQ configs delivered to the VMs keep TLS on: no tls_disable, no clear-text Redis port, no clear-text AMQP listener.",
    enforcementLevel: "mandatory",
    // Inside the VMs' configs: neither CIS OCI nor Checkov looks there.
    frameworks: PROJECT_RULE,
    remediationSteps:
        "Serve the listener with a certificate of the internal CA (render/internalPki.ts internalTlsFiles): Vault tls_disable = false with tls_cert_file/tls_key_file; Redis port 0 with tls-port and tls-replication yes; RabbitMQ listeners.tcp = none with listeners.ssl.default.",
    validateStack: (args, reportViolation) => {
        for (const file of deliveredFilesOf(args.resources)) {
            const reason = clearTextListener(file.path, file.content);
            if (reason) reportViolation(`${file.command.name}: ${file.path}: ${reason}; credentials and data would cross the network in clear text`, file.command.urn);
        }
    },
};
