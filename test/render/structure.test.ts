/**
 * Services whose daemons have no Debian 12 package (Loki, Promtail, Grafana, Vault, Fluentd,
 * RabbitMQ's config has no offline checker): their files parse in their format and carry what
 * the spec and the plan say, by IP.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RSYSLOG_LOGS } from "../../render/logrotate";
import { renderVault } from "../../render/vault";
import { IN_CI, realPlan } from "./fixtures";

const { plan, files } = realPlan();
const dir = mkdtempSync(join(tmpdir(), "blitzhub-structure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const vmByIp = new Map(plan.accounts.flatMap((a) => a.vms.map((v) => [v.privateIp, { account: a, vm: v }] as const)));
const ipOf = (account: string, vm: string) => plan.accounts.find((a) => a.name === account)!.vms.find((v) => v.name === vm)!.privateIp;
const content = (account: string, vm: string, path: string) => {
    const f = files.find((x) => x.account === account && x.vm === vm && x.path === path);
    if (!f) throw new Error(`${account}/${vm}: no ${path}`);
    return f.content;
};
const runs = (ip: string, service: string) => vmByIp.get(ip)?.vm.services.some((s) => s.service === service) ?? false;

describe("configs without a Debian checker", () => {
    it("Promtail on every VM pushes to Loki by IP and labels its account and host", () => {
        const promtails = files.filter((f) => f.path === "/etc/promtail/config.yml");
        expect(promtails.length).toBe(45);
        for (const f of promtails) {
            const doc = parse(f.content) as { clients: { url: string }[]; scrape_configs: { job_name: string }[]; server: { http_listen_port: number } };
            expect(doc.clients.length).toBeGreaterThan(0);
            for (const c of doc.clients) {
                const m = /^https:\/\/(\d+\.\d+\.\d+\.\d+):3100\/loki\/api\/v1\/push$/.exec(c.url);
                expect(m, c.url).not.toBeNull();
                expect(runs(m![1], "loki"), c.url).toBe(true);
            }
            expect(f.content).toContain(`account: "${f.account}"`);
            expect(doc.server.http_listen_port).toBe(9080);
        }
    });

    it("node_exporter on every VM listens on the VM's private IP", () => {
        const defaults = files.filter((f) => f.path === "/etc/default/prometheus-node-exporter");
        expect(defaults.length).toBe(45);
        for (const f of defaults) expect(f.content).toContain(`--web.listen-address=${ipOf(f.account, f.vm)}:9100`);
    });

    it("Loki: filesystem storage on its volume with the spec's 30-day retention", () => {
        const doc = parse(content("EU-LOG-01", "loki", "/etc/loki/config.yml")) as Record<string, any>;
        expect(doc.common.storage.filesystem.chunks_directory).toBe("/var/lib/loki/chunks");
        expect(doc.limits_config.retention_period).toBe("720h");
        expect(doc.compactor.retention_enabled).toBe(true);
        expect(doc.server.http_listen_port).toBe(3100);
        expect(doc.auth_enabled).toBe(false);
    });

    it("Fluentd: the aggregator sends websocket.** to Loki by IP; forwarders forward to the aggregator", () => {
        const aggregator = content("EU-LOG-01", "loki", "/etc/fluentd/fluent.conf");
        const loki = ipOf("EU-LOG-01", "loki");
        expect(aggregator).toMatch(new RegExp(`<match websocket\\.\\*\\*>\\n\\s+@type loki\\n\\s+url https://${loki.replace(/\./g, "\\.")}:3100`));
        expect(aggregator.indexOf("<match websocket.**>")).toBeLessThan(aggregator.indexOf("<match **>"));
        for (const vm of ["fluentd-1", "fluentd-2"]) {
            const fwd = content("EU-LOG-01", vm, "/etc/fluentd/fluent.conf");
            expect(fwd).toMatch(new RegExp(`<server>\\n\\s+name eu-log-01-loki\\n\\s+host ${loki.replace(/\./g, "\\.")}\\n\\s+port 24224`));
            expect(fwd).not.toContain("@type loki");
        }
        for (const f of files.filter((x) => x.path === "/etc/fluentd/fluent.conf")) {
            const opened = (f.content.match(/^\s*<(?!\/)[a-z]/gm) ?? []).length;
            const closed = (f.content.match(/^\s*<\//gm) ?? []).length;
            expect(opened, `${f.vm}: unbalanced sections`).toBe(closed);
        }
    });

    it("Grafana: anonymous access off, admin password from the secret, Prometheus/Loki/Jaeger by IP", () => {
        const ini = content("EU-MON-01", "observability", "/etc/grafana/grafana.ini");
        expect(ini).toMatch(/\[auth\.anonymous\]\nenabled = false/);
        expect(ini).toMatch(/^admin_password = @@secret:secret\/grafana_admin_password@@$/m);
        // INI: every line is a comment, a [section] or a key = value inside a section.
        let section = "";
        for (const line of ini.split("\n").filter((l) => l.trim() && !l.startsWith(";"))) {
            if (/^\[[a-z_.]+\]$/.test(line)) section = line;
            else expect(section && /^[a-z_]+ = \S/.test(line), `grafana.ini: ${line}`).toBeTruthy();
        }
        const ds = parse(content("EU-MON-01", "observability", "/etc/grafana/provisioning/datasources/blitzhub.yaml")) as { datasources: { type: string; url: string }[] };
        expect(ds.datasources.map((d) => d.type).sort()).toEqual(["jaeger", "loki", "prometheus"]);
        for (const d of ds.datasources) {
            const ip = /^https?:\/\/(\d+\.\d+\.\d+\.\d+):\d+$/.exec(d.url)![1];
            expect(runs(ip, d.type), d.url).toBe(true);
        }
    });

    it("Vault: raft storage joined to the other two peers by IP, listening on the VM's IP", () => {
        const peers = ["vault-1", "vault-2", "vault-3"];
        for (const vm of peers) {
            const hcl = content("EU-SEC-01", vm, "/etc/vault/vault.hcl");
            const ip = ipOf("EU-SEC-01", vm);
            expect(hcl).toContain(`address         = "${ip}:8200"`);
            expect(hcl).toMatch(/storage "raft" \{/);
            const joins = [...hcl.matchAll(/leader_api_addr\s+= "https:\/\/([\d.]+):8200"/g)].map((m) => m[1]).sort();
            expect(joins).toEqual(peers.filter((p) => p !== vm).map((p) => ipOf("EU-SEC-01", p)).sort());
            // TLS with the internal CA's certificate; peers verified against the CA.
            expect(hcl).toMatch(/^\s*tls_disable\s+= false$/m);
            expect(hcl).toContain('tls_cert_file   = "/etc/vault/tls/vault.crt"');
            expect(hcl).toContain('tls_key_file    = "/etc/vault/tls/vault.key"');
            expect(hcl.match(/leader_ca_cert_file = "\/etc\/vault\/tls\/ca\.crt"/g)?.length).toBe(2);
            expect(hcl).toContain(`api_addr      = "https://${ip}:8200"`);
            const slug = vm.replace(/-/g, "_");
            expect(content("EU-SEC-01", vm, "/etc/vault/tls/vault.key").trim()).toBe(`@@secret:secret/pki/leaf/eu_sec_01/${slug}/vault/key@@`);
            const open = (hcl.match(/\{/g) ?? []).length;
            expect((hcl.match(/\}/g) ?? []).length).toBe(open);
        }
    });

    it("Vault: OCI KMS auto-unseal is rendered (as placeholders) once the catalogue declares the KMS key and endpoints", () => {
        const account = plan.accounts.find((a) => a.name === "EU-SEC-01")!;
        const vm = account.vms.find((v) => v.name === "vault-1")!;
        const placement = vm.services.find((s) => s.service === "vault")!;
        expect(content("EU-SEC-01", "vault-1", "/etc/vault/vault.hcl")).not.toContain('seal "ocikms"');
        const kms = ["secret/vault/kms_key_id", "secret/vault/kms_crypto_endpoint", "secret/vault/kms_management_endpoint"];
        const withKms = { ...placement, def: { ...placement.def, secrets: [...placement.def.secrets, ...kms.map((path) => ({ path, source: "manual" as const, length: 32 }))] } };
        const hcl = renderVault({ plan, account, vm, placement: withKms, options: {} }).find((f) => f.path.endsWith(".hcl"))!;
        expect(hcl.content).toContain('seal "ocikms" {');
        for (const k of kms) expect(hcl.content).toContain(`"@@secret:${k}@@"`);
    });

    it("RabbitMQ: definitions declare the spec's queues and a tagless app user limited to them, the cluster names its three peers, AMQP only over TLS", () => {
        for (const vm of ["broker", "rabbitmq-2", "rabbitmq-3"]) {
            type Defs = { queues: { name: string }[]; users: { name: string; password: string; tags: string }[]; permissions: { user: string; configure: string; write: string; read: string }[] };
            const defs = JSON.parse(content("EU-DATA-01", vm, "/etc/rabbitmq/definitions.json")) as Defs;
            expect(defs.queues.map((q) => q.name).sort()).toEqual(["buy_queue", "transaction_notifications"]);
            expect(defs.users).toEqual([{ name: "blitzhub-app", password: "@@secret:secret/rabbitmq/app_password@@", tags: "" }]);
            const [perm] = defs.permissions;
            expect(perm.user).toBe("blitzhub-app");
            for (const q of ["buy_queue", "transaction_notifications"]) for (const p of [perm.configure, perm.write, perm.read]) expect(q).toMatch(new RegExp(p));
            for (const p of [perm.configure, perm.write, perm.read]) expect("amq.gen-other").not.toMatch(new RegExp(p));
            const conf = content("EU-DATA-01", vm, "/etc/rabbitmq/rabbitmq.conf");
            expect(conf.match(/^cluster_formation\.classic_config\.nodes\.\d+ = rabbit@eu-data-01-/gm)?.length).toBe(3);
            expect(conf).not.toMatch(/^default_(user|pass)\b/m);
            expect(conf).toMatch(/^listeners\.tcp = none$/m);
            expect(conf).toMatch(new RegExp(`^listeners\\.ssl\\.default = ${ipOf("EU-DATA-01", vm).replace(/\./g, "\\.")}:5671$`, "m"));
            expect(conf).toMatch(/^ssl_options\.versions\.1 = tlsv1\.3$/m);
            for (const line of conf.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line, vm).toMatch(/^[a-z_.0-9]+ = \S/);
        }
    });

    it("OpenTelemetry Collector: OTLP on its private IP, traces to Jaeger by IP", () => {
        const doc = parse(content("EU-MON-01", "otel-collector", "/etc/otelcol-contrib/config.yaml")) as Record<string, any>;
        const ip = ipOf("EU-MON-01", "otel-collector");
        expect(doc.receivers.otlp.protocols.grpc.endpoint).toBe(`${ip}:4317`);
        const [jaegerIp, jaegerPort] = doc.exporters["otlp/jaeger"].endpoint.split(":");
        expect(runs(jaegerIp, "jaeger")).toBe(true);
        expect(jaegerPort).toBe("4317");
        expect(doc.service.pipelines.traces.exporters).toEqual(["otlp/jaeger"]);
    });

    it("Fastify: app config is valid JavaScript naming Redis, RabbitMQ, Vault and the RPC gateway by IP", async () => {
        for (const account of ["EU-BE-01", "NA-BE-01"]) {
            for (const path of ["/app/config/fastify.js", "/app/config/websocket.js"]) {
                const text = content(account, "api", path);
                const file = join(dir, `${account}-${path.split("/").pop()}`);
                writeFileSync(file, text);
                const r = spawnSync(process.execPath, ["--check", file]);
                expect(r.status, String(r.stderr)).toBe(0);
            }
            const cfg = content(account, "api", "/app/config/fastify.js");
            const redisPrimary = ipOf(account, "redis-primary");
            expect(cfg).toContain(`primary: { host: "${redisPrimary}", port: 6379, tls: true }`);
            expect(cfg).toContain('username: "app",');
            expect(cfg).toContain(`password: "@@secret:secret/derived/${account.toLowerCase().replace(/-/g, "_")}/redis/app@@"`);
            expect(cfg).toMatch(/"amqps:\/\/blitzhub-app:@@secret:secret\/rabbitmq\/app_password@@@[\d.]+:5671"/);
            expect(cfg).toMatch(/"https:\/\/[\d.]+:8200"/);
            expect(cfg).not.toMatch(/"(amqp|http):\/\/[^"]*:(5672|8200)"/);
            for (const m of cfg.matchAll(/"(?:amqps?|https?):\/\/(?:[^@"]*@@@)?(\d+\.\d+\.\d+\.\d+):\d+"/g)) expect(vmByIp.has(m[1]), m[0]).toBe(true);
            expect(content(account, "api", "/app/config/websocket.js")).toContain("maxConnections: 1000,");
        }
    });

    it("Ansible: the inventory lists all 45 VMs by their plan IPs and jumps through a bastion", () => {
        const inv = parse(content("EU-MGMT-01", "ops", "/etc/ansible/hosts.yml")) as { all: { children: Record<string, { hosts: Record<string, { ansible_host: string }> }> } };
        const hosts = new Map<string, string>();
        for (const g of Object.values(inv.all.children)) for (const [name, h] of Object.entries(g.hosts)) hosts.set(name, h.ansible_host);
        const vms = plan.accounts.flatMap((a) => a.vms);
        expect(hosts.size).toBe(45);
        for (const v of vms) expect(hosts.get(v.resourceName), v.resourceName).toBe(v.privateIp);
        const cfg = content("EU-MGMT-01", "ops", "/etc/ansible/ansible.cfg");
        const jump = /ProxyJump=([\d.]+):22/.exec(cfg)![1];
        expect(runs(jump, "ssh-bastion")).toBe(true);
        expect(content("EU-MGMT-01", "ops", "/etc/ansible/.vault_pass").trim()).toBe("@@secret:secret/ansible_vault_password@@");
    });

    it("Fastify and React reload under PM2 as the runtime's account, and a first delivery before any release is no failure", () => {
        const reloads = [...new Set(files.filter((f) => f.service === "fastify" || f.service === "react").map((f) => f.reload!))];
        expect(reloads).toHaveLength(2);
        const sandbox = mkdtempSync(join(tmpdir(), "blitzhub-pm2-"));
        try {
            mkdirSync(join(sandbox, "bin"));
            // runuser records the command and runs its pm2 part with the sandbox's pm2, which knows
            // the apps listed in $sandbox/running.
            writeFileSync(
                join(sandbox, "bin", "runuser"),
                `#!/bin/sh\n[ "$1" = -u ] && [ "$2" = app ] && [ "$3" = -- ] || exit 9\nshift 3\necho "$*" >> ${sandbox}/calls\nwhile [ "$1" != pm2 ]; do shift; done\nshift\nexec ${sandbox}/bin/pm2 "$@"\n`,
                { mode: 0o755 },
            );
            writeFileSync(join(sandbox, "bin", "pm2"), `#!/bin/sh\ncase "$1" in describe) grep -qx "$2" ${sandbox}/running;; reload) echo "reloaded $2" >> ${sandbox}/reloaded;; esac\n`, { mode: 0o755 });
            writeFileSync(join(sandbox, "running"), "");
            for (const reload of reloads) {
                const app = /describe (\w+)/.exec(reload)![1];
                const env = { PATH: `${sandbox}/bin:/usr/bin:/bin` };
                const before = spawnSync("bash", ["-c", reload], { env, encoding: "utf8" });
                expect(before.status, before.stderr).toBe(0);
                expect(before.stdout).toContain(`${app} has no release under PM2 yet`);
                writeFileSync(join(sandbox, "running"), `${app}\n`);
                expect(spawnSync("bash", ["-c", reload], { env }).status).toBe(0);
                expect(readFileSync(join(sandbox, "reloaded"), "utf8")).toContain(`reloaded ${app}`);
            }
            // A clean environment: the delivery's secret values must not reach PM2 or the app.
            const calls = readFileSync(join(sandbox, "calls"), "utf8");
            expect(calls).toContain("env -i PATH=/usr/bin:/bin HOME=/home/app PM2_HOME=/home/app/.pm2 pm2 reload fastify\n");
            expect(calls).not.toContain("--update-env");
            for (const reload of reloads) expect(reload).toMatch(/^if \(cd \/ && runuser -u app -- env -i /);
        } finally {
            rmSync(sandbox, { recursive: true, force: true });
        }
    });

    const playbook = files.find((f) => f.path === "/ansible/playbooks/deploy_websocket.yml")!;

    it("Ansible: deploy_websocket.yml rolls Fastify one backend at a time on its health checks, then reloads the Nginx frontends", () => {
        const plays = parse(playbook.content) as { hosts: string; serial: number; tasks: Record<string, unknown>[] }[];
        expect(plays.map((p) => [p.hosts, p.serial])).toEqual([["svc_fastify", 1], ["svc_nginx", 1]]);
        const urls = plays[0].tasks.map((t) => (t["ansible.builtin.uri"] as { url?: string } | undefined)?.url).filter(Boolean);
        expect(urls).toEqual(["http://{{ ansible_host }}:3000/health", "http://{{ ansible_host }}:3001/ws/health"]);
        const inv = parse(content("EU-MGMT-01", "ops", "/etc/ansible/hosts.yml")) as { all: { children: Record<string, { hosts: Record<string, unknown> }> } };
        const fastifyVms = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "fastify")).map((v) => v.resourceName));
        expect(Object.keys(inv.all.children.svc_fastify.hosts).sort()).toEqual(fastifyVms.sort());
        expect(playbook.validate).toBe("ansible-playbook --syntax-check -i /etc/ansible/hosts.yml /ansible/playbooks/deploy_websocket.yml");
    });

    const hasAnsible = spawnSync("sh", ["-c", "command -v ansible-playbook"], { stdio: "ignore" }).status === 0;
    if (!hasAnsible && IN_CI) it("ansible-playbook is installed (CI=true)", () => expect.fail("apt-get install -y ansible-core (or: bash .ci/install-checkers.sh)"));
    it.runIf(hasAnsible)("Ansible: ansible-playbook --syntax-check passes the playbook with the rendered inventory, and fails a broken one", () => {
        const check = (text: string) => {
            writeFileSync(join(dir, "hosts.yml"), content("EU-MGMT-01", "ops", "/etc/ansible/hosts.yml"));
            writeFileSync(join(dir, "deploy_websocket.yml"), text);
            // The host's own ansible.cfg plays no part: the rendered one names VM paths.
            return spawnSync("ansible-playbook", ["--syntax-check", "-i", join(dir, "hosts.yml"), join(dir, "deploy_websocket.yml")], {
                env: { ...process.env, ANSIBLE_CONFIG: join(dir, "no-ansible.cfg"), ANSIBLE_LOCAL_TEMP: join(dir, "ansible-tmp") },
                encoding: "utf8",
            });
        };
        const good = check(playbook.content);
        expect(good.status, good.stderr).toBe(0);
        const broken = check(playbook.content.replace("  serial: 1\n", "  serial: 1\n  seriall: 2\n"));
        expect(broken.status).not.toBe(0);
        expect(broken.stderr).toMatch(/seriall/);
    });

    it("backup timers run at the catalogue's times and target MinIO by IP", () => {
        const minio = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "minio")))[0].privateIp;
        for (const a of plan.accounts) for (const vm of a.vms) for (const s of vm.services) for (const [i, b] of s.def.backup.entries()) {
            const unit = `blitzhub-backup-${s.service}${s.def.backup.length > 1 ? `-${i + 1}` : ""}`;
            const timer = content(a.name, vm.name, `/etc/systemd/system/${unit}.timer`);
            expect(timer).toContain(`OnCalendar=${b.schedule}\n`);
            const service = content(a.name, vm.name, `/etc/systemd/system/${unit}.service`);
            expect(service).toContain(`ExecStart=/usr/local/bin/blitzhub-backup ${b.target} ${b.retentionDays} ${b.paths.join(" ")}\n`);
        }
        for (const f of files.filter((x) => x.path === "/etc/blitzhub/backup.env")) {
            expect(f.content).toContain(`MINIO_ENDPOINT=https://${minio}:9000`);
            expect(f.mode).toBe("0600");
        }
    });

    it("logrotate: every service log the catalogue names rotates daily, 7 kept (or the catalogue's count)", () => {
        for (const a of plan.accounts) for (const vm of a.vms) for (const s of vm.services) {
            if (!s.def.logrotate || s.def.logrotate.paths.every((p) => RSYSLOG_LOGS.includes(p))) continue;
            const entry = files.find((f) => f.account === a.name && f.vm === vm.name && f.service === "logrotate" && f.content.includes(`: ${s.service} logs`));
            expect(entry, `${a.name}/${vm.name} ${s.service}`).toBeDefined();
            expect(entry!.content).toContain(`${s.def.logrotate.paths.join(" ")} {`);
            expect(entry!.content).toContain(`    ${s.def.logrotate.frequency}\n    rotate ${s.def.logrotate.rotate}\n`);
        }
    });
});
