/** The transport policies: TLS on public HTTP listeners and on the internal services' configs. */
import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import { remoteScript } from "../../components/delivery/deliveryScript";
import { deliveredFiles, LOCAL_COMMAND } from "../../policies/lib/deliveredFiles";
import { clearTextAlertmanager, clearTextDistribution, clearTextListener, internalTlsDisabled } from "../../policies/transport/internalTlsDisabled";
import { publicBackendWithoutTls } from "../../policies/transport/publicBackendWithoutTls";
import { ALERTMANAGER_DROP_IN as AM_DROP_IN } from "../../render/alertmanager";

const COLLECTOR = "/etc/otelcol-contrib/config.yaml";
import { publicHttpWithoutTls } from "../../policies/transport/publicHttpWithoutTls";
import type { RenderedFile } from "../../render/types";
import { realPlan } from "../render/fixtures";
import { check, compliantAccount, modify, resource, token } from "./fixtures";

const slug = "eu-be-01";
const account = () => compliantAccount();
const lbUrn = (resources: ReturnType<typeof account>) => resources.find((r) => r.type === token(oci.loadbalancer.LoadBalancer))!.urn;
const listener = (resources: ReturnType<typeof account>, name: string, inputs: Record<string, unknown>) =>
    resource(oci.loadbalancer.Listener, `${slug}-${name}`, { loadBalancerId: `${slug}-lb-id`, ...inputs }, {
        account: "EU-BE-01",
        provider: resources[0].urn,
        propertyDependencies: { loadBalancerId: [lbUrn(resources)] },
    });
const ruleSet = (resources: ReturnType<typeof account>, protocol: string) =>
    resource(oci.loadbalancer.RuleSet, `${slug}-https-redirect`, {
        loadBalancerId: `${slug}-lb-id`,
        name: "https_redirect",
        items: [{ action: "REDIRECT", conditions: [{ attributeName: "PATH", attributeValue: "/", operator: "PREFIX_MATCH" }], redirectUri: { protocol, port: 443 }, responseCode: 301 }],
    }, { account: "EU-BE-01", provider: resources[0].urn, propertyDependencies: { loadBalancerId: [lbUrn(resources)] } });

describe("no-public-http-listener-without-tls (mandatory)", () => {
    it("passes an HTTPS listener and a port-80 listener that only redirects to HTTPS", async () => {
        const base = account();
        const resources = [...base, ruleSet(base, "HTTPS"), listener(base, "lb-http", { port: 80, protocol: "HTTP", ruleSetNames: ["https_redirect"] })];
        expect(await check(publicHttpWithoutTls, resources)).toEqual([]);
    });

    it("rejects a public HTTP listener without TLS, and one whose rule set redirects to plain HTTP", async () => {
        const base = account();
        const plain = modify(base, `${slug}-lb-https`, (r) => ({ inputs: { ...r.inputs, sslConfiguration: undefined } }));
        const violations = await check(publicHttpWithoutTls, plain);
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatchObject({ policy: "no-public-http-listener-without-tls", enforcement: "mandatory", resourceName: `${slug}-lb-https` });
        expect(violations[0].message).toMatch(/port 443 without TLS/);
        const toHttp = [...base, ruleSet(base, "HTTP"), listener(base, "lb-http", { port: 80, protocol: "HTTP", ruleSetNames: ["https_redirect"] })];
        expect((await check(publicHttpWithoutTls, toHttp)).map((v) => v.resourceName)).toEqual([`${slug}-lb-http`]);
    });

    it("leaves a private load balancer's HTTP listeners and TCP listeners alone", async () => {
        const base = account();
        const privateLb = modify(
            modify(base, `${slug}-lb`, (r) => ({ inputs: { ...r.inputs, isPrivate: true } })),
            `${slug}-lb-https`,
            (r) => ({ inputs: { ...r.inputs, sslConfiguration: undefined } }),
        );
        expect(await check(publicHttpWithoutTls, privateLb)).toEqual([]);
        expect(await check(publicHttpWithoutTls, [...base, listener(base, "lb-amqp", { port: 5671, protocol: "TCP" })])).toEqual([]);
    });
});

describe("no-public-lb-backend-without-tls (mandatory)", () => {
    const backendSet = (resources: ReturnType<typeof account>, name: string, inputs: Record<string, unknown>) =>
        resource(oci.loadbalancer.BackendSet, `${slug}-lb-${name}-backend-set`, { loadBalancerId: `${slug}-lb-id`, name, policy: "ROUND_ROBIN", ...inputs }, {
            account: "EU-BE-01",
            provider: resources[0].urn,
            propertyDependencies: { loadBalancerId: [lbUrn(resources)] },
        });
    const verified = { certificateName: "backend-ca-0123456789ab", verifyPeerCertificate: true, verifyDepth: 1, protocols: ["TLSv1.2", "TLSv1.3"], cipherSuiteName: "oci-tls-12-13-wider-ssl-cipher-suite-v1" };
    const web = (base: ReturnType<typeof account>, sslConfiguration: unknown, lbPrivate = false) => {
        const resources = lbPrivate ? modify(base, `${slug}-lb`, (r) => ({ inputs: { ...r.inputs, isPrivate: true } })) : base;
        return [
            ...modify(resources, `${slug}-lb-https`, (r) => ({ inputs: { ...r.inputs, defaultBackendSetName: "web" } })),
            backendSet(base, "web", { healthChecker: { protocol: "HTTP", port: 443, urlPath: "/health" }, ...(sslConfiguration === undefined ? {} : { sslConfiguration }) }),
        ];
    };

    it("passes a public load balancer's backend set that re-encrypts and verifies against a CA bundle", async () => {
        expect(await check(publicBackendWithoutTls, web(account(), verified))).toEqual([]);
        expect(await check(publicBackendWithoutTls, web(account(), { trustedCertificateAuthorityIds: ["ocid1.cabundle.oc1..example"] }))).toEqual([]);
    });

    it("rejects a set without sslConfiguration, with peer verification off, and with no CA to verify against", async () => {
        for (const [ssl, why] of [
            [undefined, /no sslConfiguration: the hop to the backends is clear text/],
            [{ ...verified, verifyPeerCertificate: false }, /verifyPeerCertificate false/],
            [{ verifyPeerCertificate: true, protocols: ["TLSv1.2"] }, /names no CA/],
        ] as const) {
            const violations = await check(publicBackendWithoutTls, web(account(), ssl));
            expect(violations).toHaveLength(1);
            expect(violations[0]).toMatchObject({ policy: "no-public-lb-backend-without-tls", enforcement: "mandatory", resourceName: `${slug}-lb-web-backend-set` });
            expect(violations[0].message).toMatch(why);
            expect(violations[0].message).toMatch(new RegExp(`used by ${slug}-lb-https \\(port 443\\)`));
        }
    });

    it("leaves a private load balancer's sets and a set behind TCP listeners only (TLS passed through) alone", async () => {
        expect(await check(publicBackendWithoutTls, web(account(), undefined, true))).toEqual([]);
        const base = account();
        const tcpOnly = [...base, backendSet(base, "vault", { healthChecker: { protocol: "TCP", port: 8200 } }), listener(base, "lb-vault", { port: 8200, protocol: "TCP", defaultBackendSetName: "vault" })];
        expect(await check(publicBackendWithoutTls, tcpOnly)).toEqual([]);
    });

    it("every backend set of a public load balancer in the plan re-encrypts (the planned stacks pass: test/policies/plannedStacks.test.ts)", async () => {
        const { plan } = realPlan();
        const sets = plan.accounts.filter((a) => a.loadBalancer.public).flatMap((a) => a.loadBalancer.backendSets.map((s) => `${a.name}/${s.name}`));
        expect(sets.sort()).toEqual(["AS-FE-01/web", "AS-SOL-01/rpc", "AU-FE-01/web", "EU-FE-01/web", "EU-SOL-01/rpc", "NA-FE-01/web", "SA-FE-01/web"]);
        for (const account of plan.accounts.filter((a) => a.loadBalancer.public)) {
            for (const set of account.loadBalancer.backendSets) expect(set.backendTls, `${account.name}/${set.name}`).toBe(true);
        }
    });
});

/** A delivery command as ConfigDelivery makes it: the service's files in its stdin. */
function deliveryCommand(name: string, files: RenderedFile[]) {
    return resource(LOCAL_COMMAND, name, { stdin: remoteScript(files), interpreter: ["/bin/bash", "-c"] }, { account: files[0].account });
}

describe("no-internal-service-without-tls (mandatory)", () => {
    const { files } = realPlan();
    const of = (acc: string, vm: string, service: string) => files.filter((f) => f.account === acc && f.vm === vm && f.service === service);
    const rendered = [
        ["EU-SEC-01", "vault-1", "vault"],
        ["EU-BE-01", "redis-primary", "redis"],
        ["EU-BE-01", "redis-replica", "redis"],
        ["EU-DATA-01", "broker", "rabbitmq"],
        ["EU-DATA-01", "broker", "minio"],
        ["EU-FE-01", "app", "backup"],
        ["EU-LOG-01", "loki", "loki"],
        ["EU-LOG-01", "loki", "fluentd"],
        ["EU-FE-01", "app", "promtail"],
        ["EU-MON-01", "observability", "prometheus"],
        ["EU-MON-01", "alertmanager", "alertmanager"],
        ["EU-MON-01", "otel-collector", "otel-collector"],
        ["EU-MON-01", "observability", "jaeger"],
        ["EU-BE-01", "api", "fastify"],
        ["EU-LOG-01", "fluentd-1", "fluentd"],
    ] as const;

    it("reads the files back from a delivery script", () => {
        const vault = of("EU-SEC-01", "vault-1", "vault");
        const back = deliveredFiles(remoteScript(vault));
        expect([...back.keys()].sort()).toEqual(vault.map((f) => f.path).sort());
        for (const f of vault) expect(back.get(f.path)).toBe(f.content);
    });

    it("passes the rendered Vault, Redis, RabbitMQ, MinIO, backup, Loki, Fluentd, Promtail, Prometheus, Alertmanager, collector, Jaeger, Fastify and Fluentd forwarder configs", async () => {
        const resources = rendered.map(([a, v, s]) => deliveryCommand(`${a}-${v}-${s}-config`.toLowerCase(), of(a, v, s)));
        expect(resources.every((r) => String(r.inputs.stdin).length > 0)).toBe(true);
        expect(await check(internalTlsDisabled, resources)).toEqual([]);
    });

    it("rejects tls_disable, a clear-text Redis port or replication, and a clear-text AMQP listener", async () => {
        const swap = (list: RenderedFile[], path: string, change: (s: string) => string) => list.map((f) => (f.path === path ? { ...f, content: change(f.content) } : f));
        const vault = swap(of("EU-SEC-01", "vault-1", "vault"), "/etc/vault/vault.hcl", (s) => s.replace("tls_disable     = false", "tls_disable     = true"));
        const redis = swap(of("EU-BE-01", "redis-primary", "redis"), "/etc/redis/redis.conf", (s) => s.replace(/^port 0$/m, "port 6379"));
        const replica = swap(of("EU-BE-01", "redis-replica", "redis"), "/etc/redis/redis.conf", (s) => s.replace("tls-replication yes", "tls-replication no"));
        const amqp = swap(of("EU-DATA-01", "broker", "rabbitmq"), "/etc/rabbitmq/rabbitmq.conf", (s) => s.replace("listeners.tcp = none", "listeners.tcp.default = 10.0.7.10:5672"));
        const violations = await check(internalTlsDisabled, [
            deliveryCommand("vault-config", vault),
            deliveryCommand("redis-config", redis),
            deliveryCommand("redis-replica-config", replica),
            deliveryCommand("rabbitmq-config", amqp),
        ]);
        expect(violations.map((v) => v.resourceName).sort()).toEqual(["rabbitmq-config", "redis-config", "redis-replica-config", "vault-config"]);
        expect(violations.every((v) => v.enforcement === "mandatory")).toBe(true);
        expect(clearTextListener("/etc/redis/redis.conf", "bind 127.0.0.1\nmaxmemory 1mb\n")).toMatch(/6379 \(the default\)/);
        expect(clearTextListener("/etc/rabbitmq/rabbitmq.conf", "loopback_users.guest = true\n")).toMatch(/default 5672/);
    });

    it("rejects MinIO without --certs-dir, an http:// S3 client, Loki without TLS or client certificates, clear-text pushers, Prometheus without a web config or sending alerts in clear text, Alertmanager without its TLS drop-in, web config, client certificates or gossip TLS, clear-text or unauthenticated traces (collector, Jaeger, Fastify) and forward hops (Fluentd in and out, Fastify), and a clear-text Erlang distribution", async () => {
        const swap = (list: RenderedFile[], path: string, change: (s: string) => string) => {
            expect(list.some((f) => f.path === path), path).toBe(true);
            return list.map((f) => (f.path === path ? { ...f, content: change(f.content) } : f));
        };
        const broken = {
            "minio-config": swap(of("EU-DATA-01", "broker", "minio"), "/etc/default/minio", (s) => s.replace(/ --certs-dir \S+"/, '"')),
            "backup-config": swap(of("EU-FE-01", "app", "backup"), "/etc/blitzhub/backup.env", (s) => s.replace("ENDPOINT=https://", "ENDPOINT=http://")),
            "restore-config": swap(of("EU-FE-01", "app", "backup"), "/usr/local/sbin/blitzhub-restore", (s) => s.replace('ENDPOINT="https://', 'ENDPOINT="http://')),
            "loki-config": swap(of("EU-LOG-01", "loki", "loki"), "/etc/loki/config.yml", (s) => s.replace(/  http_tls_config:\n(    .*\n)+/, "")),
            "loki-anyone-config": swap(of("EU-LOG-01", "loki", "loki"), "/etc/loki/config.yml", (s) => s.replace("RequireAndVerifyClientCert", "VerifyClientCertIfGiven")),
            "fluentd-config": swap(of("EU-LOG-01", "loki", "fluentd"), "/etc/fluentd/fluent.conf", (s) => s.replace("url https://", "url http://")),
            "promtail-config": swap(of("EU-FE-01", "app", "promtail"), "/etc/promtail/config.yml", (s) => s.replace('url: "https://', 'url: "http://')),
            "prometheus-config": swap(of("EU-MON-01", "observability", "prometheus"), "/etc/default/prometheus", (s) => s.replace(/ --web\.config\.file=\S+"/, '"')),
            "rabbitmq-dist-config": swap(of("EU-DATA-01", "broker", "rabbitmq"), "/etc/rabbitmq/rabbitmq-env.conf", (s) => s.replace(/^SERVER_ADDITIONAL_ERL_ARGS=.*$/m, "")),
            "prometheus-alerting-config": swap(of("EU-MON-01", "observability", "prometheus"), "/etc/prometheus/prometheus.yml", (s) => s.replace("    - scheme: https\n", "    - scheme: http\n")),
            "alertmanager-no-drop-in-config": of("EU-MON-01", "alertmanager", "alertmanager").filter((f) => !f.path.includes("alertmanager.service.d")),
            "alertmanager-no-web-config": swap(of("EU-MON-01", "alertmanager", "alertmanager"), AM_DROP_IN, (s) => s.replace(/ --web\.config\.file=\S+/, "")),
            "alertmanager-anyone-config": swap(of("EU-MON-01", "alertmanager", "alertmanager"), "/etc/alertmanager/web.yml", (s) => s.replace("RequireAndVerifyClientCert", "VerifyClientCertIfGiven")),
            "collector-receiver-config": swap(of("EU-MON-01", "otel-collector", "otel-collector"), COLLECTOR, (s) => s.replace(/(      grpc:\n        endpoint: .*\n)        tls:\n(          .*\n)+/, "$1")),
            "collector-anyone-config": swap(of("EU-MON-01", "otel-collector", "otel-collector"), COLLECTOR, (s) => s.replace(/          client_ca_file: .*\n/, "")),
            "collector-exporter-config": swap(of("EU-MON-01", "otel-collector", "otel-collector"), COLLECTOR, (s) => s.replace(/    tls:\n      ca_file: .*\n      cert_file: .*\n      key_file: .*\n/, "    tls:\n      insecure: true\n")),
            "jaeger-config": swap(of("EU-MON-01", "observability", "jaeger"), "/etc/jaeger/config.yaml", (s) => s.replace("collector.otlp.grpc.tls.enabled: true", "collector.otlp.grpc.tls.enabled: false")),
            "jaeger-anyone-config": swap(of("EU-MON-01", "observability", "jaeger"), "/etc/jaeger/config.yaml", (s) => s.replace(/^collector\.otlp\.http\.tls\.client-ca: .*\n/m, "")),
            "fastify-otel-config": swap(of("EU-BE-01", "api", "fastify"), "/app/config/fastify.js", (s) => s.replace('endpoint: "https://10.0.5.20:4317"', 'endpoint: "http://10.0.5.20:4317"')),
            "fluentd-in-forward-config": swap(of("EU-LOG-01", "loki", "fluentd"), "/etc/fluentd/fluent.conf", (s) => s.replace(/  <transport tls>\n(    .*\n)+  <\/transport>\n/, "")),
            "fluentd-anyone-config": swap(of("EU-LOG-01", "fluentd-1", "fluentd"), "/etc/fluentd/fluent.conf", (s) => s.replace("client_cert_auth true", "client_cert_auth false")),
            "fluentd-out-forward-config": swap(of("EU-LOG-01", "fluentd-2", "fluentd"), "/etc/fluentd/fluent.conf", (s) => s.replace(/^  transport tls\n/m, "")),
            "fastify-fluentd-config": swap(of("EU-BE-01", "api", "fastify"), "/app/config/fastify.js", (s) => s.replace(/\n    tls: \{ caFile: "\/app\/config\/tls\/ca\.crt"[^\n]*\n  \},\n\};/, "\n  },\n};")),
            "alertmanager-gossip-config": swap(of("EU-MON-01", "alertmanager", "alertmanager"), AM_DROP_IN, (s) => s.replace(/ --cluster\.tls-config=\S+/, "")),
        };
        const violations = await check(internalTlsDisabled, Object.entries(broken).map(([name, list]) => deliveryCommand(name, list)));
        expect(violations.map((v) => v.resourceName).sort()).toEqual(Object.keys(broken).sort());
        expect(violations.every((v) => v.enforcement === "mandatory")).toBe(true);
        // Alertmanager with gossip turned off needs no gossip TLS; Prometheus with no Alertmanager sends no alerts.
        const am = new Map(of("EU-MON-01", "alertmanager", "alertmanager").map((f) => [f.path, f.content]));
        am.set(AM_DROP_IN, am.get(AM_DROP_IN)!.replace(/--cluster\.listen-address=\S+ --cluster\.tls-config=\S+/, "--cluster.listen-address="));
        expect(clearTextAlertmanager(am)).toBeUndefined();
        expect(clearTextListener("/etc/prometheus/prometheus.yml", "alerting:\n  alertmanagers: []\nscrape_configs: []\n")).toBeUndefined();
        // A single broker (no cluster peers) has no distribution to protect.
        expect(clearTextDistribution(new Map([["/etc/rabbitmq/rabbitmq.conf", "listeners.tcp = none\n"]]))).toBeUndefined();
    });
});
