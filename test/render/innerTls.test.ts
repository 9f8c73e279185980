/**
 * TLS inside, the rest of issue 14 gaps 2 and 6: MinIO over TLS, Loki's push and query API over
 * mutual TLS (every pusher and reader with its own leaf), Prometheus' API over mutual TLS.
 * Loki itself cannot run here (release binary only): its rendered `http_tls_config` configures a
 * Node TLS server with the same semantics (RequireAndVerifyClientCert = request a certificate and
 * refuse the handshake without a valid one), and each client's rendered TLS settings push to it.
 */
import { spawn, spawnSync } from "node:child_process";
import { request } from "node:https";
import { createServer, type Server } from "node:https";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { throwawayTestCertificate } from "../../render/internalPki";
import { substituteSecrets } from "../../render/secrets";
import type { RenderedFile } from "../../render/types";
import { fileContent, realPlan, serviceFilesOf } from "./fixtures";
import { fakeSecrets } from "./sandbox";

const { plan, files } = realPlan();
const of = serviceFilesOf(files);
const content = fileContent;

describe("MinIO over TLS", () => {
    const minio = of("EU-DATA-01", "broker", "minio");

    it("serves HTTPS only, with a leaf of the internal CA in its --certs-dir, key readable by minio alone", () => {
        const env = content(minio, "/etc/default/minio");
        expect(env).toMatch(/^MINIO_OPTS=".*--certs-dir \/etc\/minio\/certs"$/m);
        const byPath = new Map(minio.map((f) => [f.path, f]));
        expect(byPath.get("/etc/minio/certs/public.crt")?.content.trim()).toBe("@@secret:secret/pki/leaf/eu_data_01/broker/minio/cert@@");
        const key = byPath.get("/etc/minio/certs/private.key")!;
        expect(key.content.trim()).toBe("@@secret:secret/pki/leaf/eu_data_01/broker/minio/key@@");
        expect([key.owner, key.group, key.mode]).toEqual(["minio", "minio", "0640"]);
        expect(byPath.get("/etc/minio/certs/CAs/blitzhub-internal-ca.crt")?.content.trim()).toBe("@@secret:secret/pki/ca_cert@@");
        expect(content(minio, "/usr/local/lib/blitzhub/minio-provision.sh")).toContain('mc_local alias set local "https://10.0.7.18:9000"');
    });

    it("every client uses https:// verified against the internal CA: 39 backup sources, the restore command, the offsite source, Prometheus", () => {
        const envs = files.filter((f) => f.path === "/etc/blitzhub/backup.env");
        expect(envs.length).toBe(39);
        for (const f of envs) {
            expect(f.content).toMatch(/^RCLONE_CONFIG_BLITZHUB_ENDPOINT=https:\/\/10\.0\.7\.18:9000$/m);
            expect(f.content).toMatch(/^RCLONE_CA_CERT=\/etc\/ssl\/certs\/blitzhub-internal-ca\.pem$/m);
            expect(f.content).not.toContain("http://");
        }
        const restores = files.filter((f) => f.path === "/usr/local/sbin/blitzhub-restore");
        expect(restores.length).toBe(39);
        for (const f of restores) {
            expect(f.content).toContain('RCLONE_CONFIG_RESTORE_ENDPOINT="https://10.0.7.18:9000"');
            expect(f.content).toContain('RCLONE_CA_CERT="/etc/ssl/certs/blitzhub-internal-ca.pem"');
        }
        const prometheus = parse(content(of("EU-MON-01", "observability", "prometheus"), "/etc/prometheus/prometheus.yml")) as { scrape_configs: { job_name: string; scheme?: string; tls_config?: Record<string, string> }[] };
        const job = prometheus.scrape_configs.find((j) => j.job_name === "minio")!;
        expect(job.scheme).toBe("https");
        expect(job.tls_config?.ca_file).toBe("/etc/prometheus/tls/ca.crt");
    });

    it("the private load balancers pass MinIO's, Loki's and Prometheus' TLS through (TCP listeners and health checks)", () => {
        const lbs = plan.accounts.flatMap((a) => (a.loadBalancer ? [a.loadBalancer] : []));
        for (const [service, port] of [["minio", 9000], ["loki", 3100], ["prometheus", 9090]] as const) {
            const listener = lbs.flatMap((lb) => lb.listeners).find((l) => l.port === port);
            expect(listener?.protocol, `${service} listener`).toBe("TCP");
            const set = lbs.flatMap((lb) => lb.backendSets).find((s) => s.service === service);
            expect(set?.healthCheck.protocol, `${service} health check`).toBe("TCP");
        }
    });
});

describe("Loki over mutual TLS", () => {
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-inner-tls-"));
    const loki = of("EU-LOG-01", "loki", "loki");
    const config = parse(content(loki, "/etc/loki/config.yml")) as { auth_enabled: boolean; server: { http_listen_address: string; http_listen_port: number; http_tls_config: Record<string, string> } };
    const clients = {
        promtail: of("EU-FE-01", "app", "promtail"),
        fluentd: of("EU-LOG-01", "loki", "fluentd"),
        grafana: of("EU-MON-01", "observability", "grafana"),
        prometheus: of("EU-MON-01", "observability", "prometheus"),
    };
    // Every rendered TLS file, filled as delivery fills it (real certificates of one test CA), under `dir`.
    const all = [...loki, ...Object.values(clients).flat()];
    const secrets = fakeSecrets(all);
    const local = (path: string) => {
        const f = all.find((x) => x.path === path);
        if (!f) throw new Error(`${path} is not a rendered file`);
        const target = join(dir, path.replace(/\//g, "_"));
        writeFileSync(target, substituteSecrets(f.content, secrets));
        return target;
    };
    let server: Server;
    let port = 0;
    const pushes: string[] = [];

    beforeAll(async () => {
        const tls = config.server.http_tls_config;
        const required = tls.client_auth_type === "RequireAndVerifyClientCert";
        server = createServer(
            { cert: readFileSync(local(tls.cert_file)), key: readFileSync(local(tls.key_file)), ca: readFileSync(local(tls.client_ca_file)), requestCert: required, rejectUnauthorized: required },
            (req, res) => {
                pushes.push(`${req.method} ${req.url} from ${(req.socket as import("node:tls").TLSSocket).getPeerCertificate().subject?.CN ?? "?"}`);
                res.writeHead(204).end();
            },
        );
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = (server.address() as { port: number }).port;
    });
    afterAll(() => {
        server?.close();
        rmSync(dir, { recursive: true, force: true });
    });

    /** POSTs to the stand-in Loki with a client's TLS files; the status, or the error that refused it. */
    function push(tls: { ca: string; cert?: string; key?: string }, path = "/loki/api/v1/push"): Promise<string> {
        return new Promise((resolve) => {
            const req = request(
                { host: "127.0.0.1", port, path, method: "POST", ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}), headers: { "content-type": "application/json" } },
                (res) => {
                    res.resume();
                    res.on("end", () => resolve(String(res.statusCode)));
                },
            );
            req.on("error", (e) => resolve(`refused: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
            req.end('{"streams":[]}');
        });
    }
    const files3 = (ca: string, cert: string, key: string) => ({ ca: readFileSync(local(ca), "utf8"), cert: readFileSync(local(cert), "utf8"), key: readFileSync(local(key), "utf8") });

    it("requires and verifies a client certificate of the internal CA, and stays single-tenant on purpose", () => {
        const tls = config.server.http_tls_config;
        expect(tls).toEqual({ cert_file: "/etc/loki/tls/loki.crt", key_file: "/etc/loki/tls/loki.key", client_auth_type: "RequireAndVerifyClientCert", client_ca_file: "/etc/loki/tls/ca.crt" });
        expect(config.auth_enabled).toBe(false);
        expect(content(loki, "/etc/loki/config.yml")).toMatch(/X-Scope-OrgID/);
    });

    it("Promtail on every VM (45) pushes over https:// with its own leaf", () => {
        const configs = files.filter((f) => f.path === "/etc/promtail/config.yml");
        expect(configs.length).toBe(45);
        const leaves = new Set<string>();
        for (const f of configs) {
            const c = parse(f.content) as { clients: { url: string; tls_config: Record<string, string> }[] };
            expect(c.clients.length).toBe(1);
            expect(c.clients[0].url).toBe("https://10.0.8.18:3100/loki/api/v1/push");
            expect(c.clients[0].tls_config).toEqual({ ca_file: "/etc/promtail/tls/ca.crt", cert_file: "/etc/promtail/tls/promtail.crt", key_file: "/etc/promtail/tls/promtail.key" });
            const key = files.find((x) => x.account === f.account && x.vm === f.vm && x.path === "/etc/promtail/tls/promtail.key")!;
            expect([key.owner, key.group, key.mode]).toEqual(["promtail", "promtail", "0640"]);
            leaves.add(key.content);
        }
        expect(leaves.size).toBe(45);
    });

    it("a push with Promtail's, Fluentd's, Grafana's or Prometheus' rendered client settings is accepted", async () => {
        const promtail = (parse(content(clients.promtail, "/etc/promtail/config.yml")) as { clients: { url: string; tls_config: Record<string, string> }[] }).clients[0];
        expect(await push(files3(promtail.tls_config.ca_file, promtail.tls_config.cert_file, promtail.tls_config.key_file), new URL(promtail.url).pathname)).toBe("204");

        const fluent = content(clients.fluentd, "/etc/fluentd/fluent.conf");
        const opt = (name: string) => [...fluent.matchAll(new RegExp(`^\\s*${name}\\s+(\\S+)$`, "gm"))].map((m) => m[1]);
        expect(opt("url")).toEqual(["https://10.0.8.18:3100", "https://10.0.8.18:3100"]);
        expect(await push(files3(opt("ca_cert")[0], opt("cert")[0], opt("key")[0]))).toBe("204");

        const datasources = parse(content(clients.grafana, "/etc/grafana/provisioning/datasources/blitzhub.yaml")) as { datasources: { type: string; url: string; jsonData?: Record<string, boolean>; secureJsonData?: Record<string, string> }[] };
        const lokiSource = datasources.datasources.find((d) => d.type === "loki")!;
        expect(lokiSource.url).toBe("https://10.0.8.18:3100");
        expect(lokiSource.jsonData).toEqual({ tlsAuth: true, tlsAuthWithCACert: true });
        const fileOf = (v: string) => /^\$__file\{(.+)\}$/.exec(v)![1];
        const s = lokiSource.secureJsonData!;
        expect(await push(files3(fileOf(s.tlsCACert), fileOf(s.tlsClientCert), fileOf(s.tlsClientKey)), "/loki/api/v1/query_range")).toBe("204");

        const prometheus = parse(content(clients.prometheus, "/etc/prometheus/prometheus.yml")) as { scrape_configs: { job_name: string; scheme?: string; tls_config?: Record<string, string> }[] };
        const job = prometheus.scrape_configs.find((j) => j.job_name === "loki")!;
        expect(job.scheme).toBe("https");
        expect(await push(files3(job.tls_config!.ca_file, job.tls_config!.cert_file, job.tls_config!.key_file), "/metrics")).toBe("204");
        expect(pushes.length).toBe(4);
        expect(pushes[0]).toMatch(/from eu-fe-01-app promtail$/);
    });

    it("refuses a client without a certificate, and one whose certificate another CA signed", async () => {
        const promtail = (parse(content(clients.promtail, "/etc/promtail/config.yml")) as { clients: { tls_config: Record<string, string> }[] }).clients[0].tls_config;
        const before = pushes.length;
        expect(await push({ ca: readFileSync(local(promtail.ca_file), "utf8") })).toMatch(/^refused/);
        const other = throwawayTestCertificate({ dnsNames: ["intruder.invalid"], ipAddresses: ["127.0.0.1"] });
        expect(await push({ ca: readFileSync(local(promtail.ca_file), "utf8"), cert: other.certPem, key: other.keyPem })).toMatch(/^refused/);
        expect(pushes.length).toBe(before);
    });
});

describe("Prometheus over mutual TLS", () => {
    const prometheus = of("EU-MON-01", "observability", "prometheus");

    it("serves its API with --web.config.file requiring a client certificate of the internal CA; Grafana's datasource presents its own", () => {
        expect(content(prometheus, "/etc/default/prometheus")).toMatch(/--web\.config\.file=\/etc\/prometheus\/web\.yml"$/m);
        const web = parse(content(prometheus, "/etc/prometheus/web.yml")) as { tls_server_config: Record<string, string>; basic_auth_users?: unknown };
        expect(web.tls_server_config).toEqual({
            cert_file: "/etc/prometheus/tls/prometheus.crt",
            key_file: "/etc/prometheus/tls/prometheus.key",
            client_auth_type: "RequireAndVerifyClientCert",
            client_ca_file: "/etc/prometheus/tls/ca.crt",
            min_version: "TLS12",
        });
        expect(prometheus.find((f) => f.path === "/etc/prometheus/web.yml")!.validate).toContain("promtool check web-config /etc/prometheus/web.yml");
        const datasources = parse(content(of("EU-MON-01", "observability", "grafana"), "/etc/grafana/provisioning/datasources/blitzhub.yaml")) as { datasources: { type: string; url: string; jsonData?: Record<string, boolean>; secureJsonData?: Record<string, string> }[] };
        const source = datasources.datasources.find((d) => d.type === "prometheus")!;
        expect(source.url).toBe("https://10.0.5.18:9090");
        expect(source.jsonData).toEqual({ tlsAuth: true, tlsAuthWithCACert: true });
        expect(source.secureJsonData).toEqual({ tlsCACert: "$__file{/etc/grafana/tls/ca.crt}", tlsClientCert: "$__file{/etc/grafana/tls/grafana.crt}", tlsClientKey: "$__file{/etc/grafana/tls/grafana.key}" });
        // Its self-scrape presents its own leaf too.
        const self = (parse(content(prometheus, "/etc/prometheus/prometheus.yml")) as { scrape_configs: { job_name: string; scheme?: string; tls_config?: Record<string, string> }[] }).scrape_configs.find((j) => j.job_name === "prometheus")!;
        expect(self.scheme).toBe("https");
        expect(self.tls_config?.cert_file).toBe("/etc/prometheus/tls/prometheus.crt");
    });
});

describe.runIf(spawnSync("sh", ["-c", "command -v erl && command -v epmd"]).status === 0)("RabbitMQ's Erlang distribution over mutual TLS", () => {
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-dist-tls-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const brokers = ["broker", "rabbitmq-2"].map((vm) => of("EU-DATA-01", vm, "rabbitmq"));
    const secrets = fakeSecrets(brokers.flat());

    /** The rendered option file of one broker, its TLS paths moved into `dir` with the delivered contents. */
    function optionFile(list: RenderedFile[], name: string, override?: { cert: string; key: string }): string {
        let options = content(list, "/etc/rabbitmq/inter_node_tls.config");
        for (const f of list.filter((x) => x.path.startsWith("/etc/rabbitmq/tls/"))) {
            const local = join(dir, `${name}-${f.path.split("/").pop()}`);
            let value = substituteSecrets(f.content, secrets);
            if (override && f.path.endsWith(".crt") && !f.path.endsWith("/ca.crt")) value = override.cert;
            if (override && f.path.endsWith(".key")) value = override.key;
            writeFileSync(local, value);
            options = options.split(`"${f.path}"`).join(`"${local}"`);
        }
        const path = join(dir, `${name}.config`);
        writeFileSync(path, options);
        return path;
    }
    const erl = (name: string, optfile: string, evalExpr: string, timeoutMs: number) =>
        spawnSync("erl", ["-noinput", "-sname", `${name}@localhost`, "-setcookie", "blitzhubdisttest", "-proto_dist", "inet_tls", "-ssl_dist_optfile", optfile, "-eval", evalExpr], { encoding: "utf8", timeout: timeoutMs });

    it("the env file starts the server and the CLI with inet_tls and the option file; EPMD stays (names and ports only)", () => {
        for (const list of brokers) {
            const env = content(list, "/etc/rabbitmq/rabbitmq-env.conf");
            expect(env).toMatch(/^SERVER_ADDITIONAL_ERL_ARGS="-proto_dist inet_tls -ssl_dist_optfile \/etc\/rabbitmq\/inter_node_tls\.config"$/m);
            expect(env).toMatch(/^CTL_ERL_ARGS="-proto_dist inet_tls -ssl_dist_optfile \/etc\/rabbitmq\/inter_node_tls\.config"$/m);
        }
    });

    it("two brokers' rendered option files connect over TLS distribution; a node with another CA's certificate is refused", () => {
        const tag = `blz${process.pid}`;
        const server = spawn("erl", ["-noinput", "-sname", `${tag}b@localhost`, "-setcookie", "blitzhubdisttest", "-proto_dist", "inet_tls", "-ssl_dist_optfile", optionFile(brokers[1], "b"), "-eval", "timer:sleep(60000), halt()."], { stdio: "ignore" });
        try {
            // Waits for the second broker to register with EPMD, then pings it over the TLS distribution.
            const ping = (name: string, optfile: string, attempts = 30) =>
                erl(name, optfile, `Peer = list_to_atom("${tag}b@localhost"), R = lists:foldl(fun(_, pong) -> pong; (_, _) -> timer:sleep(500), net_adm:ping(Peer) end, pang, lists:seq(1, ${attempts})), io:format("~nresult: ~p~n", [R]), halt().`, 40_000);
            const result = (r: { stdout: string }) => /^result: (\w+)$/m.exec(r.stdout)?.[1];
            const ok = ping(`${tag}a`, optionFile(brokers[0], "a"));
            expect(result(ok), ok.stdout + ok.stderr).toBe("pong");
            const other = throwawayTestCertificate({ dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
            // The second broker is up by now (the first ping reached it): three attempts are enough.
            const refused = ping(`${tag}x`, optionFile(brokers[0], "x", { cert: other.certPem, key: other.keyPem }), 3);
            // Erlang logs each refused handshake (a TLS alert) beside the answer.
            expect(result(refused)).toBe("pang");
            expect(refused.stdout).toMatch(/TLS (client|server)/);
        } finally {
            server.kill();
        }
    }, 120_000);
});

describe("Vault's metrics need Prometheus' token", () => {
    const vault = of("EU-SEC-01", "vault-1", "vault");
    const prometheus = of("EU-MON-01", "observability", "prometheus");
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-vault-metrics-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("the listener refuses anonymous metrics; Prometheus' Vault job sends the token whose ID the Vault VMs hold too", () => {
        expect(content(vault, "/etc/vault/vault.hcl")).toMatch(/^\s*unauthenticated_metrics_access = false$/m);
        const job = (parse(content(prometheus, "/etc/prometheus/prometheus.yml")) as { scrape_configs: { job_name: string; authorization?: Record<string, string> }[] }).scrape_configs.find((j) => j.job_name === "vault")!;
        expect(job.authorization).toEqual({ type: "Bearer", credentials_file: "/etc/prometheus/vault-metrics.token" });
        const onPrometheus = content(prometheus, "/etc/prometheus/vault-metrics.token").trim();
        expect(onPrometheus).toBe("@@secret:secret/derived/eu_sec_01/vault/prometheus_metrics@@");
        for (const vm of ["vault-1", "vault-2", "vault-3"]) expect(content(of("EU-SEC-01", vm, "vault"), "/etc/vault/prometheus-metrics.token").trim()).toBe(onPrometheus);
        const policy = content(vault, "/etc/vault/policies/prometheus-metrics.hcl").replace(/#.*$/gm, "");
        expect([...policy.matchAll(/path "([^"]+)"/g)].map((m) => m[1])).toEqual(["sys/metrics", "auth/token/renew-self"]);
    });

    it("creating the token and renewing it put no token on a command line", () => {
        const secrets = fakeSecrets([...vault, ...prometheus]);
        const tokenId = secrets["secret/derived/eu_sec_01/vault/prometheus_metrics"];
        expect(tokenId).toMatch(/^[A-Za-z0-9]{40}$/);
        const admin = "root-token-of-the-test";
        const bin = join(dir, "bin");
        mkdirSync(bin, { recursive: true });
        // Record every call's arguments and environment token; `vault read` fails (no token yet), the rest succeeds.
        for (const tool of ["vault", "curl"]) {
            writeFileSync(join(bin, tool), `#!/bin/sh\nprintf '%s ' "$@" >> ${dir}/${tool}.args\necho >> ${dir}/${tool}.args\nprintf '%s\\n' "\${VAULT_TOKEN:-}" >> ${dir}/${tool}.env\n[ "$1" = read ] && exit 2\nfor a in "$@"; do case "$a" in id=@*) cat "\${a#id=@}" >> ${dir}/vault.id;; esac; done\nexit 0\n`);
            chmodSync(join(bin, tool), 0o755);
        }
        const tokenFile = join(dir, "token");
        writeFileSync(tokenFile, `${tokenId}\n`);
        const script = content(vault, "/usr/local/sbin/blitzhub-vault-metrics-token").split("/etc/vault/prometheus-metrics.token").join(tokenFile);
        writeFileSync(join(dir, "create.sh"), script);
        const created = spawnSync("sh", [join(dir, "create.sh")], { env: { PATH: `${bin}:${process.env.PATH}` }, input: `${admin}\n`, encoding: "utf8" });
        expect(created.status, created.stderr).toBe(0);
        const vaultArgs = readFileSync(join(dir, "vault.args"), "utf8");
        expect(vaultArgs).toContain("policy write prometheus-metrics");
        expect(vaultArgs).toMatch(/write -f auth\/token\/create-orphan id=@\S+ policies=prometheus-metrics no_default_policy=true period=72h/);
        expect(vaultArgs).not.toContain(tokenId);
        expect(vaultArgs).not.toContain(admin);
        expect(readFileSync(join(dir, "vault.id"), "utf8")).toBe(tokenId);
        expect(readFileSync(join(dir, "vault.env"), "utf8")).toContain(admin);

        const renew = content(prometheus, "/usr/local/bin/blitzhub-vault-token-renew").split("/etc/prometheus/vault-metrics.token").join(tokenFile);
        writeFileSync(join(dir, "renew.sh"), renew);
        const renewed = spawnSync("sh", [join(dir, "renew.sh")], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
        expect(renewed.status, renewed.stderr).toBe(0);
        const curlArgs = readFileSync(join(dir, "curl.args"), "utf8");
        expect(curlArgs).toMatch(/-H @\S+ -X POST https:\/\/10\.0\.4\.18:8200\/v1\/auth\/token\/renew-self/);
        expect(curlArgs).not.toContain(tokenId);
    });
});
