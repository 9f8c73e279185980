/** Properties of the rendered files over the real topology: addresses, coverage, secrets, and which files a template change touches. */
import { backupWriters, MINIO_METRICS_KEY_SECRET, MINIO_METRICS_TOKEN_SECRET } from "../../render/backupCredentials";
import { isBackendPkiSecretPath } from "../../render/backendPki";
import { isPkiSecretPath } from "../../render/internalPki";
import { OFFSITE_SECRET } from "../../render/minio";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { contentHash } from "../../components/delivery/deliveryScript";
import { renderAccount, renderAll } from "../../render/index";
import { secretRefsIn } from "../../render/secrets";
import { TEMPLATES_DIR, useTemplatesDir } from "../../render/templates";
import type { RenderedFile } from "../../render/types";
import { euRenderOptions, realPlan } from "./fixtures";

const { plan, files } = realPlan();
const allVms = plan.accounts.flatMap((a) => a.vms.map((vm) => ({ account: a.name, vm })));
const prometheusFile = files.find((f) => f.path === "/etc/prometheus/prometheus.yml")!;
const prometheus = parse(prometheusFile.content) as {
    scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }[];
};

describe("Prometheus scrape configuration", () => {
    const targets = prometheus.scrape_configs.flatMap((j) => j.static_configs.flatMap((s) => s.targets.map((t) => ({ job: j.job_name, target: t, labels: s.labels }))));
    const vmIps = new Map(allVms.map((v) => [v.vm.privateIp, v]));

    it("scrapes only static IPs of VMs in the topology, on a port their services declare for metrics", () => {
        expect(targets.length).toBe(plan.scrapeTargets.length);
        for (const t of targets) {
            const [ip, port] = t.target.split(":");
            expect(ip, t.target).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
            const vm = vmIps.get(ip);
            expect(vm, `${t.job} ${t.target} is not a VM of the topology`).toBeDefined();
            const ports = vm!.vm.services.flatMap((s) => s.ports.filter((p) => p.metrics).map((p) => p.port));
            expect(ports, `${t.job} ${t.target}`).toContain(Number(port));
            expect(t.labels.account).toBe(vm!.account);
            expect(t.labels.vm).toBe(vm!.vm.name);
        }
    });

    it("scrapes every one of the 45 VMs (node_exporter at least)", () => {
        expect(allVms.length).toBe(45);
        const scraped = new Set(targets.map((t) => t.target.split(":")[0]));
        for (const v of allVms) expect(scraped.has(v.vm.privateIp), `${v.account}/${v.vm.name}`).toBe(true);
        const node = prometheus.scrape_configs.find((j) => j.static_configs.length === 45);
        expect(node, "a job with one target per VM").toBeDefined();
    });

    it("has a job for every scrape target job of the plan and no hand-listed target", () => {
        const planJobs = new Set(plan.scrapeTargets.map((t) => t.job));
        const rendered = new Set(prometheus.scrape_configs.map((j) => j.job_name));
        for (const j of planJobs) expect(rendered.has(j) || [...rendered].some((r) => r.startsWith(`${j}-`)), j).toBe(true);
        expect(prometheusFile.content).not.toMatch(/backend:|frontend:|localhost/);
    });

    it("every job an alert rule selects with up{job=...} is a scrape job", () => {
        const rules = files.find((f) => f.path === "/etc/prometheus/rules/blitzhub.rules.yml")!.content;
        const jobs = new Set(prometheus.scrape_configs.map((j) => j.job_name));
        const selected = [...rules.matchAll(/up\{[^}]*job=\\"([^"\\]+)\\"/g)].map((m) => m[1]);
        expect(selected.length).toBeGreaterThan(0);
        expect(selected.filter((j) => !jobs.has(j)), "alert rules select jobs Prometheus never scrapes").toEqual([]);
    });
});

describe("rendered files", () => {
    it("name peers by IP only: every upstream/server address in Nginx and HAProxy is a VM of the plan", () => {
        const vmIps = new Set(allVms.map((v) => v.vm.privateIp));
        for (const f of files.filter((x) => /\/etc\/(nginx|haproxy)\//.test(x.path))) {
            for (const m of f.content.matchAll(/^\s*server\s+(?:\S+\s+)?(\d+\.\d+\.\d+\.\d+):\d+/gm)) expect(vmIps.has(m[1]), `${f.account}/${f.vm} ${f.path}: ${m[0]}`).toBe(true);
            expect(f.content, f.path).not.toMatch(/proxy_pass http:\/\/(backend|frontend)[:;/]/);
        }
    });

    it("every Nginx location that sets its own header still sends the security headers", () => {
        // add_header in a block discards every add_header it would inherit from the server.
        const withSnippet = new Set(files.filter((f) => f.path === "/etc/nginx/snippets/security-headers.conf").map((f) => `${f.account}/${f.vm}`));
        expect(withSnippet.size).toBe(15);
        const confs = files.filter((f) => f.path.startsWith("/etc/nginx/conf.d/") && withSnippet.has(`${f.account}/${f.vm}`));
        expect(confs.length).toBeGreaterThan(0);
        for (const f of confs) {
            const server = f.content.match(/^server \{$/m);
            if (!server) continue;
            expect(f.content, `${f.account}/${f.vm} ${f.path}`).toMatch(/^ {4}include \/etc\/nginx\/snippets\/security-headers\.conf;$/m);
            for (const block of f.content.matchAll(/^ {4}location [^{]*\{\n([\s\S]*?)^ {4}\}$/gm)) {
                if (/^\s*add_header /m.test(block[1])) {
                    expect(block[1], `${f.account}/${f.vm} ${f.path}: ${block[0].split("\n")[0]}`).toMatch(/include \/etc\/nginx\/snippets\/security-headers\.conf;/);
                }
            }
        }
    });

    it("renders the spec's Nginx, HAProxy and Redis settings", () => {
        const fe = files.find((f) => f.account === "EU-FE-01" && f.vm === "app" && f.path === "/etc/nginx/conf.d/frontend.conf")!.content;
        expect(fe).toMatch(/location \/ws\/ \{[^}]*proxy_set_header Upgrade \$http_upgrade;[^}]*proxy_set_header Connection "upgrade";[^}]*proxy_read_timeout 3600s;/s);
        expect(fe).toMatch(/limit_req_zone \$binary_remote_addr zone=api:10m rate=10r\/s;/);
        const headers = files.find((f) => f.account === "EU-FE-01" && f.vm === "app" && f.path === "/etc/nginx/snippets/security-headers.conf")!.content;
        expect(headers).toMatch(/^add_header X-Frame-Options "SAMEORIGIN" always;$/m);
        // HSTS only on responses to HTTPS requests (the LB's X-Forwarded-Proto), and plain HTTP redirected.
        expect(headers).toMatch(/^add_header Strict-Transport-Security \$blitzhub_hsts always;$/m);
        expect(fe).toMatch(/map \$http_x_forwarded_proto \$blitzhub_hsts \{\s*https\s+"max-age=31536000; includeSubDomains";\s*default "";\s*\}/);
        expect(fe).toMatch(/if \(\$blitzhub_plain_http\) \{\s*return 301 https:\/\/\$host\$request_uri;\s*\}/);
        expect(fe).toMatch(/proxy_cache_valid 200 10s;/);
        expect(fe).toMatch(/limit_conn total 1000;/);
        expect(fe).toMatch(/location = \/health/);
        const hap = files.find((f) => f.account === "EU-NET-01" && f.vm === "haproxy-1" && f.path === "/etc/haproxy/haproxy.cfg")!.content;
        // HTTP mode, so the WebSocket backend learns the client's address (issue #10, failure 11).
        expect(hap).toMatch(/frontend ws_frontend\n(?:\s+#.*\n)*\s+bind :3001\n\s+mode http\n[\s\S]*?option forwardfor\n/);
        expect(hap).toMatch(/backend ws_backend\n\s+mode http[\s\S]*timeout tunnel 3600s[\s\S]*option httpchk GET \/ws\/health/);
        // No strict-sni: a client without SNI completes the handshake (failure 5).
        expect(hap).toMatch(/bind :443 ssl crt \/etc\/haproxy\/certs\/\n/);
        expect(hap).toMatch(/default-server init-addr none/);
        const redis = files.find((f) => f.account === "EU-BE-01" && f.vm === "redis-primary" && f.path === "/etc/redis/redis.conf")!.content;
        expect(redis).toMatch(/^maxmemory 512mb$/m);
        expect(redis).toMatch(/^maxmemory-policy allkeys-lru$/m);
        expect(redis).toMatch(/^notify-keyspace-events Ex$/m);
        // TLS only, ACL users of this cluster, the default user off, admin commands no user's.
        expect(redis).toMatch(/^port 0$/m);
        expect(redis).toMatch(/^tls-port 6379$/m);
        expect(redis).toMatch(/^user default off$/m);
        expect(redis).toMatch(/^user app on >@@secret:secret\/derived\/eu_be_01\/redis\/app@@ .* -@dangerous -@admin$/m);
        expect(redis).not.toMatch(/^requirepass/m);
        const replica = files.find((f) => f.account === "EU-BE-01" && f.vm === "redis-replica" && f.path === "/etc/redis/redis.conf")!.content;
        const primaryIp = plan.accounts.find((a) => a.name === "EU-BE-01")!.vms.find((v) => v.name === "redis-primary")!.privateIp;
        expect(replica).toMatch(new RegExp(`^replicaof ${primaryIp.replace(/\./g, "\\.")} 6379$`, "m"));
        expect(replica).toMatch(/^tls-replication yes$/m);
        expect(replica).toMatch(/^masteruser replication$/m);
        expect(replica).toMatch(/^masterauth @@secret:secret\/derived\/eu_be_01\/redis\/replication@@$/m);
    });

    it("keeps secrets out: every secret appears only as a placeholder listed in secretRefs", () => {
        const credentialLine = /^\s*(requirepass|masterauth|admin_password|default_pass|user \S+ on|MC_HOST_\w+)\b.*$/gm;
        for (const f of files) {
            expect(f.secretRefs).toEqual(secretRefsIn(f.content));
            for (const m of f.content.matchAll(credentialLine)) expect(m[0], `${f.account}/${f.vm} ${f.path}`).toMatch(/@@secret:secret\/[a-z0-9_/]+@@/);
        }
        // Declared in the catalogue, or one of the values the program derives or takes from stack config:
        // each backup source's writer key and MinIO's metrics key and token (from the catalogue's seed), the offsite copy's key.
        const declared = new Set([
            ...plan.accounts.flatMap((a) => a.vms.flatMap((v) => v.services.flatMap((s) => s.def.secrets.map((x) => x.path)))),
            ...backupWriters(plan).map((w) => w.secretPath),
            MINIO_METRICS_KEY_SECRET,
            MINIO_METRICS_TOKEN_SECRET,
            OFFSITE_SECRET,
        ]);
        const used = new Set(files.flatMap((f) => f.secretRefs));
        // The private CA's and the backend CA's certificates and leaves (secret/pki/...) and the per-cluster Redis passwords (secret/derived/...) are derived by the program from its seed.
        for (const r of used) expect(declared.has(r) || isPkiSecretPath(r) || isBackendPkiSecretPath(r), `${r} is not declared in the catalogue`).toBe(true);
        expect([...used].sort()).toEqual(expect.arrayContaining(["secret/grafana_admin_password", "secret/minio/backup_reader_key", "secret/minio/backup_writers/eu_fe_01_app", "secret/rabbitmq/app_password", "secret/derived/eu_be_01/redis/app"]));
    });

    it("is deterministic", () => {
        expect(renderAll(plan, euRenderOptions())).toEqual(files);
    });

    it("gives every file an absolute path, an octal mode and one owner", () => {
        for (const f of files) {
            expect(f.path.startsWith("/")).toBe(true);
            expect(f.mode).toMatch(/^0[0-7]{3}$/);
            expect(f.content.endsWith("\n")).toBe(true);
        }
    });
});

describe("a template change touches only the VMs it renders for", () => {
    let dir: string | undefined;
    afterEach(() => {
        useTemplatesDir(undefined);
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    function hashes(rendered: RenderedFile[]): Map<string, string> {
        const groups = new Map<string, RenderedFile[]>();
        for (const f of rendered) {
            const k = `${f.account}/${f.vm}/${f.service}`;
            groups.set(k, [...(groups.get(k) ?? []), f]);
        }
        return new Map([...groups.entries()].map(([k, g]) => [k, contentHash(g)]));
    }

    it("one line of the Nginx frontend template changes the nginx delivery of the 15 frontend VMs and nothing else", () => {
        dir = mkdtempSync(join(tmpdir(), "blitzhub-templates-"));
        cpSync(TEMPLATES_DIR, dir, { recursive: true });
        const file = join(dir, "nginx/frontend.conf.hbs");
        writeFileSync(file, readFileSync(file, "utf8").replace("keepalive 32;", "keepalive 64;"));
        const before = hashes(files);
        useTemplatesDir(dir);
        const after = hashes(plan.accounts.flatMap((a) => renderAccount(plan, a.name, euRenderOptions())));
        const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k)).sort();
        const frontendVms = plan.accounts.filter((a) => a.role === "frontend").flatMap((a) => a.vms.map((v) => `${a.name}/${v.name}/nginx`)).sort();
        expect(frontendVms.length).toBe(15);
        expect(changed).toEqual(frontendVms);
        expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    });
});
