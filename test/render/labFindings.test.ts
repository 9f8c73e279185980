/**
 * What the lab (issue #10) found at run time, pinned where the render layer expresses it: each
 * test names the failure it guards. The lab itself (`npm run lab`) runs the daemons.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { remoteScript } from "../../components/delivery/deliveryScript";
import { NGINX_VALIDATE } from "../../render/nginx";
import { realPlan } from "./fixtures";
import { containsAddress, parseNetwork } from "../../model/cidr";

const { plan, files } = realPlan();
const at = (account: string, vm: string, path: string) => {
    const f = files.find((x) => x.account === account && x.vm === vm && x.path === path);
    if (!f) throw new Error(`${account}/${vm}: nothing rendered at ${path}`);
    return f;
};
/** A config without its comments (which may name what it no longer does). */
const directives = (text: string) => text.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
const scratch = mkdtempSync(join(tmpdir(), "blitzhub-lab-findings-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("render fixes from the lab", () => {
    it("2: nginx and redis metrics ports are served by their exporters, configured on the VM's IP (redis password only in the environment)", () => {
        const nginx = at("EU-FE-01", "app", "/etc/default/prometheus-nginx-exporter");
        expect(nginx.content).toContain('ARGS="-nginx.scrape-uri http://127.0.0.1:8081/stub_status -web.listen-address 10.0.1.74:9113"');
        const redis = at("EU-BE-01", "redis-primary", "/etc/default/prometheus-redis-exporter");
        expect(redis.content).toContain("-web.listen-address 10.0.2.19:9121");
        expect(redis.content).toMatch(/^REDIS_PASSWORD=@@secret:secret\/derived\/eu_be_01\/redis\/exporter@@$/m);
        expect(redis.content).not.toMatch(/ARGS="[^"]*password/);
        expect(redis.mode).toBe("0640");
        expect(redis.reload).toBe("systemctl restart prometheus-redis-exporter");
        // Prometheus scrapes exactly those ports.
        const targets = plan.scrapeTargets.filter((t) => t.account === "EU-BE-01" && t.vm === "redis-primary").map((t) => `${t.service}:${t.port}`);
        expect(targets).toContain("redis:9121");
    });

    it("3: the React app server is not scraped (vite preview answers /metrics with index.html)", () => {
        expect(plan.scrapeTargets.filter((t) => t.service === "react")).toEqual([]);
        expect(at("EU-MON-01", "observability", "/etc/prometheus/prometheus.yml").content).not.toContain(':4173"');
    });

    it("4: the app's tree is delivered owned by the app account, parents included", () => {
        const ws = at("EU-FE-01", "app", "/app/frontend/src/services/websocket.js");
        expect(ws.directories).toEqual([
            { path: "/app/frontend", mode: "0755", owner: "app", group: "app" },
            { path: "/app/frontend/src", mode: "0755", owner: "app", group: "app" },
            { path: "/app/frontend/src/services", mode: "0755", owner: "app", group: "app" },
        ]);
        expect(remoteScript([ws])).toContain(`install -d -m 0755 -o app -g app "$root"'/app/frontend'\n`);
    });

    it.runIf(process.getuid?.() === 0)("4: the delivery script really makes those directories for the account", () => {
        const root = join(scratch, "app");
        const ws = { ...at("EU-FE-01", "app", "/app/frontend/src/services/websocket.js"), owner: "root", group: "root", validate: undefined, reload: undefined };
        const directories = ws.directories!.map((d) => ({ ...d, owner: "nobody", group: "nogroup" }));
        const r = spawnSync("bash", ["-s"], { input: remoteScript([{ ...ws, directories }]), env: { ...process.env, BLITZHUB_ROOT: root }, encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
        const uid = Number(spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim());
        for (const d of ["app/frontend", "app/frontend/src", "app/frontend/src/services"]) expect(statSync(join(root, d)).uid, d).toBe(uid);
    });

    it("5 and 11: HAProxy takes clients without SNI and hands WebSocket clients' addresses to the backend", () => {
        const cfg = at("EU-NET-01", "haproxy-1", "/etc/haproxy/haproxy.cfg").content;
        expect(directives(cfg)).not.toContain("strict-sni");
        const ws = cfg.slice(cfg.indexOf("frontend ws_frontend"), cfg.indexOf("\n\n", cfg.indexOf("frontend ws_frontend")));
        expect(ws).toMatch(/mode http/);
        expect(ws).toMatch(/option forwardfor/);
    });

    it("6: ModSecurity's audit log directory is made for nginx before Nginx is tested", () => {
        const conf = at("EU-FE-01", "app", "/etc/modsecurity/modsecurity.conf");
        expect(conf.content).toMatch(/^SecAuditLog \/var\/log\/modsecurity\/audit\.log$/m);
        expect(conf.validate).toMatch(/^install -d -o nginx -g nginx -m 0750 \/var\/log\/modsecurity && /);
    });

    it("7: a VM with ModSecurity placed but no nginx module fails validation instead of dropping the WAF", () => {
        const root = join(scratch, "modsec");
        // NGINX_VALIDATE with absolute paths under a scratch root, and a stub nginx that passes.
        const script = NGINX_VALIDATE.replace(/\/etc\//g, `${root}/etc/`).replace("nginx -t -q", "true");
        const run = () => spawnSync("sh", ["-c", script], { encoding: "utf8" });
        spawnSync("mkdir", ["-p", `${root}/etc/nginx/modsecurity`, `${root}/etc/nginx/modules-enabled`]);
        spawnSync("touch", [`${root}/etc/nginx/modsecurity/hook.conf`]);
        const without = run();
        expect(without.status).not.toBe(0);
        expect(without.stderr).toContain("not installed");
        spawnSync("touch", [`${root}/etc/nginx/modules-enabled/50-mod-http-modsecurity.conf`]);
        expect(run().status).toBe(0);
    });

    it("8: Alertmanager's receivers get their URL files from secrets, readable by Alertmanager only", () => {
        for (const name of ["critical", "warning"]) {
            const f = at("EU-MON-01", "alertmanager", `/etc/alertmanager/slack-${name}.url`);
            expect(f.content).toBe(`@@secret:secret/alertmanager/slack_${name}_url@@\n`);
            expect(f.mode).toBe("0640");
            expect(at("EU-MON-01", "alertmanager", "/etc/alertmanager/alertmanager.yml").content).toContain(`api_url_file: "/etc/alertmanager/slack-${name}.url"`);
        }
    });

    it("9: the React client speaks the backend's protocol: plain WebSocket, JSON {event, data} frames, no Socket.IO", () => {
        const client = at("EU-FE-01", "app", "/app/frontend/src/services/websocket.js").content;
        expect(client).not.toContain("socket.io");
        expect(client).toContain("new WebSocket(url())");
        expect(client).toContain("JSON.stringify({ event, data })");
        expect(JSON.parse(at("EU-FE-01", "app", "/app/frontend/package.json").content).dependencies["socket.io-client"]).toBeUndefined();
        const ws = at("EU-BE-01", "api", "/app/config/websocket.js").content;
        expect(ws).toContain('path: "/ws/"');
    });

    it("10: a request that names its user (Authorization or a session cookie) never uses the shared API cache", () => {
        const fe = at("EU-FE-01", "app", "/etc/nginx/conf.d/frontend.conf").content;
        expect(fe).toContain("proxy_cache_bypass $http_authorization $http_cookie;");
        expect(fe).toContain("proxy_no_cache $http_authorization $http_cookie;");
    });

    it("11: Nginx passes the real client once (after the real-IP module), never appended twice", () => {
        for (const f of files.filter((x) => x.path.startsWith("/etc/nginx/"))) expect(directives(f.content), `${f.account}/${f.vm} ${f.path}`).not.toContain("$proxy_add_x_forwarded_for");
        expect(at("EU-FE-01", "app", "/etc/nginx/snippets/blitzhub-proxy.conf").content).toMatch(/^proxy_set_header X-Forwarded-For \$remote_addr;$/m);
    });

    it("backups: every VM with a backup timer may reach MinIO's S3 port through the store's firewall", () => {
        const broker = at("EU-DATA-01", "broker", "/etc/nftables.conf").content;
        const rule = broker.split("\n").find((l) => /tcp dport 9000 accept/.test(l)) ?? "";
        // Sources are aggregated to the smallest cover of the clients (docs/firewall.md): each backup source lies in one.
        const sources = (/ip saddr \{ ([^}]*) \}/.exec(rule)?.[1] ?? "").split(",").map((c) => parseNetwork(c.trim()));
        for (const ip of ["10.0.1.74", "10.0.2.19", "10.0.9.18", "10.0.5.18"]) expect(sources.some((n) => containsAddress(n, ip)), `${ip} in ${rule}`).toBe(true);
        expect(at("EU-FE-01", "app", "/usr/local/bin/blitzhub-backup").content).toContain("rclone copy");
        expect(at("EU-FE-01", "app", "/etc/blitzhub/backup.env").content).toContain("RCLONE_CONFIG_BLITZHUB_ACCESS_KEY_ID=backup-eu-fe-01-app");
    });
});
