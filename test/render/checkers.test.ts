/**
 * Every rendered file of every VM through its real checker (nginx -t, haproxy -c, promtool
 * check config + rules, amtool check-config and Alertmanager started with its TLS files, redis-server on a unix socket, logrotate -d,
 * nft -c, systemd-analyze verify), laid over the host at its VM path in a private mount
 * namespace. A missing checker skips its checks with the install command, or fails under CI=true.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RenderedFile } from "../../render/types";
import { IN_CI, filesByVm, realPlan } from "./fixtures";
import { CHECKERS, type CheckResult, type Checker, SERVICE_CHECKER, canSandbox, hasBinary, installHint, pool, validateVm } from "./sandbox";

const sandbox = canSandbox();
const available = (c: Checker) => sandbox && hasBinary(c.bin);
const missing = [...new Set(Object.values(SERVICE_CHECKER))].filter((c) => !hasBinary(c.bin));
const checkedServices = new Set(Object.entries(SERVICE_CHECKER).filter(([, c]) => available(c)).map(([s]) => s));

describe("checkers are present", () => {
    if (!sandbox && IN_CI) {
        it("the sandbox needs root and unshare (CI=true)", () => expect.fail("render checks need root and util-linux unshare for a private mount namespace"));
    } else if (!sandbox) {
        it.skip("sandbox unavailable: run the render tests as root with util-linux unshare", () => {});
    }
    it("a checker is known for every validated service", () => {
        for (const s of Object.keys(SERVICE_CHECKER)) expect(SERVICE_CHECKER[s].bin).toBeTruthy();
    });
    for (const c of missing) {
        if (IN_CI) {
            it(`${c.bin} is installed (CI=true)`, () => expect.fail(`${c.bin} is missing: ${installHint(c)}`));
        } else {
            it.skip(`${c.bin} missing — install: ${installHint(c)}`, () => {});
        }
    }
});

describe.runIf(sandbox)("every VM's rendered files pass their checkers", () => {
    const { files } = realPlan();
    const vms = [...filesByVm(files).entries()];
    const results = new Map<string, CheckResult[]>();

    beforeAll(async () => {
        // Sixteen at once: most of a VM's time is the kernel setting up and tearing down its mount
        // namespace and overlays (about 0.7 s of waiting, little CPU).
        const done = await pool(vms, 16, async ([vm, vmFiles]) => [vm, await validateVm(vmFiles, checkedServices)] as const);
        for (const [vm, r] of done) results.set(vm, r);
    }, 180_000);

    it("covers all 45 VMs", () => {
        expect(vms.length).toBe(45);
    });

    for (const [vm, vmFiles] of vms) {
        it(vm, () => {
            const r = results.get(vm)!;
            const expected = new Set(vmFiles.filter((f) => checkedServices.has(f.service) && f.validate).map((f) => f.service));
            expect(new Set(r.map((c) => c.service))).toEqual(expected);
            const failures = r.filter((c) => c.status !== 0).map((c) => `${c.service}: \`${c.command}\` exited ${c.status}\n${c.output}`);
            expect(failures, failures.join("\n")).toEqual([]);
            if (vmFiles.some((f) => f.service === "modsecurity") && checkedServices.has("modsecurity")) {
                // The hook was linked: nginx -t loaded the ModSecurity rules from the rendered files.
                expect(r.find((c) => c.service === "modsecurity")!.output).toMatch(/rules loaded inline\/local\/remote: \d+\/[1-9]\d*\//);
            }
        });
    }

    it.runIf(checkedServices.has("nginx"))("Nginx delivered before ModSecurity validates (hook left out until the rules arrive)", async () => {
        const nginxOnly = filesByVm(files).get("EU-FE-01/app")!.filter((f) => f.service !== "modsecurity");
        const [check] = await validateVm(nginxOnly, new Set(["nginx"]));
        expect(check.status, check.output).toBe(0);
        expect(check.output).not.toMatch(/rules loaded inline\/local\/remote: \d+\/[1-9]/);
    });

    it("the checks include every required checker where its service is rendered", () => {
        const services = new Set(files.map((f) => f.service));
        for (const s of ["nginx", "modsecurity", "rpc-gateway", "haproxy", "prometheus", "alertmanager", "redis", "logrotate", "host-firewall", "backup", "ssh-bastion", "minio", "wireguard", "crowdsec", "wazuh-manager", "argocd"]) {
            expect(services.has(s), s).toBe(true);
            if (available(SERVICE_CHECKER[s])) expect(checkedServices.has(s), s).toBe(true);
        }
    });
});

/** A file that breaks its format must fail the same check: the checks above can fail. */
describe.runIf(sandbox)("the checks catch broken files", () => {
    const { files } = realPlan();
    const byVm = filesByVm(files);
    const cases: { name: string; vm: string; path: string; checker: Checker; mutate: (s: string) => string }[] = [
        { name: "nginx: unknown directive", vm: "EU-FE-01/app", path: "/etc/nginx/conf.d/frontend.conf", checker: CHECKERS.nginx, mutate: (s) => s.replace("server_name _;", "server_name _;\n    proxy_passs http://x;") },
        { name: "modsecurity: rule without id", vm: "EU-FE-01/app", path: "/etc/nginx/modsecurity/owasp.rules", checker: CHECKERS.nginx, mutate: (s) => s.replace("\"id:100010,", "\"") },
        { name: "haproxy: unknown backend", vm: "EU-NET-01/haproxy-1", path: "/etc/haproxy/haproxy.cfg", checker: CHECKERS.haproxy, mutate: (s) => s.replace("default_backend ws_backend", "default_backend no_such_backend") },
        { name: "prometheus rules: bad PromQL", vm: "EU-MON-01/observability", path: "/etc/prometheus/rules/blitzhub.rules.yml", checker: CHECKERS.promtool, mutate: (s) => s.replace(/expr: "[^"]*"/, 'expr: "rate(foo[5m]) >"') },
        { name: "alertmanager: unknown receiver", vm: "EU-MON-01/alertmanager", path: "/etc/alertmanager/alertmanager.yml", checker: CHECKERS.amtool, mutate: (s) => s.replace("receiver: critical", "receiver: nobody") },
        { name: "alertmanager: web config with an unknown client_auth_type", vm: "EU-MON-01/alertmanager", path: "/etc/alertmanager/web.yml", checker: CHECKERS.amtool, mutate: (s) => s.replace("RequireAndVerifyClientCert", "RequireAndVerifyClientCerts") },
        { name: "alertmanager: gossip TLS naming a missing key", vm: "EU-MON-01/alertmanager", path: "/etc/alertmanager/cluster-tls.yml", checker: CHECKERS.amtool, mutate: (s) => s.replace(/key_file: "[^"]+"/, 'key_file: "/etc/alertmanager/tls/missing.key"') },
        { name: "redis: unknown directive", vm: "EU-BE-01/redis-primary", path: "/etc/redis/redis.conf", checker: CHECKERS.redis, mutate: (s) => `${s}maxmemory-polic allkeys-lru\n` },
        { name: "logrotate: unknown keyword", vm: "EU-FE-01/app", path: "/etc/logrotate.d/nginx", checker: CHECKERS.logrotate, mutate: (s) => s.replace("missingok", "missingokk") },
        { name: "nftables: bad port", vm: "EU-BE-01/redis-primary", path: "/etc/nftables.conf", checker: CHECKERS.nft, mutate: (s) => s.replace("tcp dport 22", "tcp dport 99999") },
        { name: "sshd: unknown keyword", vm: "EU-MGMT-01/bastion-1", path: "/etc/ssh/sshd_config.d/bastion.conf", checker: CHECKERS.sshd, mutate: (s) => s.replace("PermitTunnel no", "PermitTunnelz no") },
        { name: "minio: provisioning script syntax", vm: "EU-DATA-01/broker", path: "/usr/local/lib/blitzhub/minio-provision.sh", checker: CHECKERS.sh, mutate: (s) => s.replace("; do", "; dox") },
        { name: "wireguard: key wg(8) does not know", vm: "EU-MGMT-01/bastion-1", path: "/etc/wireguard/wg0.conf", checker: CHECKERS.wgQuick, mutate: (s) => s.replace("ListenPort =", "ListenPorts =") },
        { name: "wireguard: SaveConfig not a boolean", vm: "EU-MGMT-01/bastion-2", path: "/etc/wireguard/wg0.conf", checker: CHECKERS.wgQuick, mutate: (s) => s.replace("SaveConfig = false", "SaveConfig = no") },
        { name: "crowdsec: unknown database type", vm: "EU-SEC-01/vault-1", path: "/etc/crowdsec/config.yaml", checker: CHECKERS.crowdsec, mutate: (s) => s.replace("type: sqlite", "type: sqlight") },
        { name: "crowdsec: unknown field", vm: "EU-SEC-01/vault-1", path: "/etc/crowdsec/config.yaml", checker: CHECKERS.crowdsec, mutate: (s) => s.replace("use_wal: true", "use_wall: true") },
        { name: "wazuh: unclosed element", vm: "EU-SEC-01/vault-1", path: "/var/ossec/etc/ossec.conf", checker: CHECKERS.python3, mutate: (s) => s.replace("</remote>", "") },
        { name: "argocd-cm: a data value that is not a string", vm: "EU-MGMT-01/ops", path: "/etc/argocd/argocd-cm.yaml", checker: CHECKERS.python3, mutate: (s) => s.replace('admin.enabled: "true"', "admin.enabled: true") },
        { name: "backup timer: bad calendar", vm: "EU-BE-01/redis-primary", path: "", checker: CHECKERS.systemd, mutate: (s) => s.replace(/OnCalendar=.*/, "OnCalendar=every tuesday-ish") },
    ];
    for (const c of cases) {
        it.runIf(available(c.checker))(c.name, async () => {
            const vmFiles = byVm.get(c.vm)!;
            const target = c.path ? vmFiles.find((f) => f.path === c.path) : vmFiles.find((f) => f.path.endsWith(".timer"));
            expect(target, `${c.vm} ${c.path}`).toBeDefined();
            const broken = c.mutate(target!.content);
            expect(broken).not.toBe(target!.content);
            const mutated: RenderedFile[] = vmFiles.map((f) => (f === target ? { ...f, content: broken } : f));
            const r = await validateVm(mutated, new Set([target!.service]));
            expect(r.length).toBeGreaterThan(0);
            expect(r.some((x) => x.status !== 0), r.map((x) => x.output).join("\n")).toBe(true);
        });
    }
});
