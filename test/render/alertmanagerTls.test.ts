/**
 * Alertmanager's API (9093) and gossip (9094) over mutual TLS (issue 14, gaps 2 and 6): the
 * rendered files, then Debian's Alertmanager run with them (paths moved into a temporary
 * directory, listeners on loopback, certificates of one test CA as delivery fills them): a client
 * without a certificate, with another CA's, or in clear text is refused; Prometheus' rendered
 * alerting client is accepted; two peers gossip over TLS and a peer of another CA is kept out;
 * the delivered check refuses a web config Alertmanager would refuse.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { throwawayTestCertificate } from "../../render/internalPki";
import { substituteSecrets } from "../../render/secrets";
import { fileContent, IN_CI, realPlan, serviceFilesOf } from "./fixtures";
import { fakeSecrets } from "./sandbox";

const { files } = realPlan();
const of = serviceFilesOf(files);
const content = fileContent;
const alertmanager = of("EU-MON-01", "alertmanager", "alertmanager");
const prometheus = of("EU-MON-01", "observability", "prometheus");
const DROP_IN = "/etc/systemd/system/alertmanager.service.d/blitzhub-tls.conf";

/** The drop-in's replacement command: `ExecStart=` (reset) then the one command. */
function execStart(): string[] {
    const lines = content(alertmanager, DROP_IN).split("\n").filter((l) => l.startsWith("ExecStart="));
    expect(lines[0]).toBe("ExecStart=");
    expect(lines.length).toBe(2);
    return lines[1].slice("ExecStart=".length).split(" ");
}

describe("Alertmanager's rendered TLS", () => {
    it("serves its API with a web config that requires a client certificate of the internal CA", () => {
        const web = parse(content(alertmanager, "/etc/alertmanager/web.yml")) as { tls_server_config: Record<string, string> };
        expect(web).toEqual({
            tls_server_config: {
                cert_file: "/etc/alertmanager/tls/alertmanager.crt",
                key_file: "/etc/alertmanager/tls/alertmanager.key",
                client_auth_type: "RequireAndVerifyClientCert",
                client_ca_file: "/etc/alertmanager/tls/ca.crt",
                min_version: "TLS12",
            },
        });
        const byPath = new Map(alertmanager.map((f) => [f.path, f]));
        expect(byPath.get("/etc/alertmanager/tls/alertmanager.crt")!.content.trim()).toBe("@@secret:secret/pki/leaf/eu_mon_01/alertmanager/alertmanager/cert@@");
        const key = byPath.get("/etc/alertmanager/tls/alertmanager.key")!;
        expect(key.content.trim()).toBe("@@secret:secret/pki/leaf/eu_mon_01/alertmanager/alertmanager/key@@");
        expect([key.mode, key.owner, key.group]).toEqual(["0640", "prometheus", "prometheus"]);
        expect(byPath.get("/etc/alertmanager/tls/ca.crt")!.content.trim()).toBe("@@secret:secret/pki/ca_cert@@");
    });

    it("gossips over mutual TLS: both sides present the leaf and verify the peer's against the CA", () => {
        const cluster = parse(content(alertmanager, "/etc/alertmanager/cluster-tls.yml")) as Record<string, Record<string, string>>;
        expect(cluster.tls_server_config).toMatchObject({ client_auth_type: "RequireAndVerifyClientCert", client_ca_file: "/etc/alertmanager/tls/ca.crt", cert_file: "/etc/alertmanager/tls/alertmanager.crt" });
        expect(cluster.tls_client_config).toEqual({ ca_file: "/etc/alertmanager/tls/ca.crt", cert_file: "/etc/alertmanager/tls/alertmanager.crt", key_file: "/etc/alertmanager/tls/alertmanager.key" });
    });

    it("gets its flags from a delivered drop-in (the user data's unit is left alone) and is checked, then restarted", () => {
        expect(execStart()).toEqual([
            "/usr/local/bin/alertmanager",
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--storage.path=/var/lib/alertmanager",
            "--web.listen-address=10.0.5.19:9093",
            "--web.config.file=/etc/alertmanager/web.yml",
            "--cluster.listen-address=10.0.5.19:9094",
            "--cluster.tls-config=/etc/alertmanager/cluster-tls.yml",
        ]);
        // The unit in the user data keeps its command: changing it would replace the VM.
        const userData = files.find((f) => f.account === "EU-MON-01" && f.vm === "alertmanager" && f.path === "/etc/systemd/system/alertmanager.service");
        expect(userData, "the unit is not a delivered file").toBeUndefined();
        for (const f of alertmanager) {
            expect(f.validate).toBe("/usr/local/sbin/blitzhub-alertmanager-check");
            expect(f.reload).toBe("systemctl daemon-reload && systemctl restart alertmanager");
        }
        const check = content(alertmanager, "/usr/local/sbin/blitzhub-alertmanager-check");
        expect(check).toContain("amtool check-config /etc/alertmanager/alertmanager.yml");
        expect(check).toContain("--web.config.file=/etc/alertmanager/web.yml");
        expect(check).toContain("--cluster.tls-config=/etc/alertmanager/cluster-tls.yml");
    });

    it("Prometheus sends alerts over https with its own leaf, and scrapes Alertmanager the same way", () => {
        const config = parse(content(prometheus, "/etc/prometheus/prometheus.yml")) as {
            alerting: { alertmanagers: { scheme?: string; tls_config?: Record<string, string>; static_configs: { targets: string[] }[] }[] };
            scrape_configs: { job_name: string; scheme?: string; tls_config?: Record<string, string> }[];
        };
        const leaf = { ca_file: "/etc/prometheus/tls/ca.crt", cert_file: "/etc/prometheus/tls/prometheus.crt", key_file: "/etc/prometheus/tls/prometheus.key" };
        expect(config.alerting.alertmanagers).toEqual([{ scheme: "https", tls_config: leaf, static_configs: [{ targets: ["10.0.5.19:9093"] }] }]);
        const job = config.scrape_configs.find((j) => j.job_name === "alertmanager")!;
        expect(job.scheme).toBe("https");
        expect(job.tls_config).toEqual(leaf);
    });
});

const haveAlertmanager = spawnSync("sh", ["-c", "command -v prometheus-alertmanager && command -v amtool && command -v curl"]).status === 0;
if (!haveAlertmanager && IN_CI) {
    it("Debian's prometheus-alertmanager is installed (CI=true)", () => expect.fail("install prometheus-alertmanager (bash .ci/install-checkers.sh)"));
}

describe.runIf(haveAlertmanager)("Debian's Alertmanager with the rendered TLS files", () => {
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-am-tls-"));
    const all = [...alertmanager, ...prometheus];
    const secrets = fakeSecrets(all);
    const children: ChildProcess[] = [];
    /** What each started Alertmanager has logged so far, by name. */
    const logs = new Map<string, () => string>();
    /** A rendered path, moved under `dir`. */
    const local = (path: string) => join(dir, path);
    /** Every rendered file of Alertmanager (and Prometheus' TLS files), filled as delivery fills them, its paths moved under `dir`. */
    for (const f of all.filter((x) => x.service === "alertmanager" || x.path.startsWith("/etc/prometheus/tls/"))) {
        mkdirSync(dirname(local(f.path)), { recursive: true });
        writeFileSync(local(f.path), substituteSecrets(f.content, secrets).replaceAll("/etc/alertmanager/", `${dir}/etc/alertmanager/`));
        chmodSync(local(f.path), parseInt(f.mode, 8));
    }
    let api = 0;
    let gossip = 0;

    /** The drop-in's command with Debian's binary, its paths under `dir` and its listeners on loopback ports. */
    function command(name: string, web: number, cluster: number, extra: string[] = []): string[] {
        mkdirSync(join(dir, name), { recursive: true });
        return execStart()
            .slice(1)
            .map((a) => a.replaceAll("/etc/alertmanager/", `${dir}/etc/alertmanager/`))
            .map((a) => a.replace(/^--storage\.path=.*/, `--storage.path=${join(dir, name)}`))
            .map((a) => a.replace(/^--web\.listen-address=.*/, `--web.listen-address=127.0.0.1:${web}`))
            .map((a) => a.replace(/^--cluster\.listen-address=.*/, `--cluster.listen-address=127.0.0.1:${cluster}`))
            .concat(extra);
    }
    function start(name: string, args: string[]): ChildProcess {
        const child = spawn("prometheus-alertmanager", args, { stdio: ["ignore", "ignore", "pipe"] });
        let log = "";
        logs.set(name, () => log);
        child.stderr!.on("data", (d) => (log += d));
        child.on("exit", (code) => code && code !== 0 && console.error(`${name} exited ${code}: ${log.slice(-800)}`));
        children.push(child);
        return child;
    }
    function curl(args: string[]): { code: number; out: string } {
        const r = spawnSync("curl", ["-sS", "-m", "5", "--capath", join(dir, "no-capath"), ...args], { encoding: "utf8" });
        return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
    }
    const prom = parse(content(prometheus, "/etc/prometheus/prometheus.yml")) as { alerting: { alertmanagers: { tls_config: { ca_file: string; cert_file: string; key_file: string } }[] } };
    const client = prom.alerting.alertmanagers[0].tls_config;
    const withLeaf = ["--cacert", local(client.ca_file), "--cert", local(client.cert_file), "--key", local(client.key_file)];
    const status = (port: number) => JSON.parse(curl([...withLeaf, `https://127.0.0.1:${port}/api/v2/status`]).out) as { cluster: { status: string; peers: { address: string }[] } };

    beforeAll(async () => {
        mkdirSync(join(dir, "no-capath"), { recursive: true });
        [api, gossip] = await Promise.all([freePort(), freePort()]);
        start("am-1", command("am-1", api, gossip));
        await until(() => curl([...withLeaf, "-o", "/dev/null", "-w", "%{http_code}", `https://127.0.0.1:${api}/-/ready`]).out === "200", 15_000, "Alertmanager ready over TLS");
    }, 30_000);
    afterAll(() => {
        for (const c of children) c.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
    });

    it("accepts Prometheus' rendered client (its leaf) for alerts and silences", () => {
        const alert = JSON.stringify([{ labels: { alertname: "TlsTest", severity: "critical" } }]);
        const post = spawnSync("curl", ["-sS", "-m", "5", "--capath", join(dir, "no-capath"), ...withLeaf, "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "-d", alert, `https://127.0.0.1:${api}/api/v2/alerts`], { encoding: "utf8" });
        expect(post.stdout, post.stderr).toBe("200");
        const alerts = JSON.parse(curl([...withLeaf, `https://127.0.0.1:${api}/api/v2/alerts`]).out) as { labels: { alertname: string } }[];
        expect(alerts.map((a) => a.labels.alertname)).toContain("TlsTest");
    });

    it("refuses a client without a certificate, with another CA's, and clear-text HTTP", () => {
        const anonymous = curl(["--cacert", local(client.ca_file), "-o", "/dev/null", "-w", "%{http_code}", `https://127.0.0.1:${api}/api/v2/silences`]);
        expect(anonymous.code, anonymous.out).not.toBe(0);
        expect(anonymous.out).toMatch(/^000/);
        const other = throwawayTestCertificate({ dnsNames: ["intruder.invalid"], ipAddresses: ["127.0.0.1"] });
        writeFileSync(join(dir, "other.crt"), other.certPem);
        writeFileSync(join(dir, "other.key"), other.keyPem);
        const foreign = curl(["--cacert", local(client.ca_file), "--cert", join(dir, "other.crt"), "--key", join(dir, "other.key"), "-o", "/dev/null", "-w", "%{http_code}", `https://127.0.0.1:${api}/api/v2/silences`]);
        expect(foreign.code, foreign.out).not.toBe(0);
        const plain = curl(["-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${api}/api/v2/silences`]);
        expect(plain.out).not.toMatch(/^2/);
    });

    it("a second peer with the rendered gossip TLS joins; a peer of another CA does not", async () => {
        const [api2, gossip2, api3, gossip3] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
        start("am-2", command("am-2", api2, gossip2, [`--cluster.peer=127.0.0.1:${gossip}`]));
        await until(() => status(api).cluster.peers.length === 2, 20_000, "the second peer joins over TLS");
        // A third Alertmanager with another CA's certificate (its own trust too) and the same peer.
        const other = throwawayTestCertificate({ dnsNames: ["intruder.invalid"], ipAddresses: ["127.0.0.1"] });
        const o = join(dir, "intruder");
        mkdirSync(o, { recursive: true });
        writeFileSync(join(o, "c.crt"), other.certPem);
        writeFileSync(join(o, "k.key"), other.keyPem);
        writeFileSync(join(o, "ca.crt"), other.caPem);
        const tls = { cert_file: join(o, "c.crt"), key_file: join(o, "k.key") };
        writeFileSync(join(o, "cluster.yml"), JSON.stringify({ tls_server_config: { ...tls, client_auth_type: "RequireAndVerifyClientCert", client_ca_file: join(o, "ca.crt") }, tls_client_config: { ...tls, ca_file: join(o, "ca.crt") } }));
        start("intruder", command("intruder", api3, gossip3, [`--cluster.peer=127.0.0.1:${gossip}`]).map((a) => a.replace(/^--cluster\.tls-config=.*/, `--cluster.tls-config=${join(o, "cluster.yml")}`)));
        // Its join fails in the TLS handshake (it logs why), and the cluster still has two peers.
        await until(() => /failed to join cluster.*certificate/.test(logs.get("intruder")!()), 15_000, "the intruder's join is refused");
        expect(status(api).cluster.peers.map((p) => p.address).sort()).toEqual([`127.0.0.1:${gossip}`, `127.0.0.1:${gossip2}`].sort());
    }, 40_000);

    it("the delivered check passes the rendered files and refuses a web config Alertmanager cannot load", () => {
        const check = content(alertmanager, "/usr/local/sbin/blitzhub-alertmanager-check").replaceAll("/etc/alertmanager/", `${dir}/etc/alertmanager/`).replaceAll("/usr/local/bin/alertmanager", "prometheus-alertmanager");
        const script = join(dir, "check.sh");
        writeFileSync(script, check, { mode: 0o755 });
        const good = spawnSync("sh", [script], { encoding: "utf8" });
        expect(good.status, `${good.stdout}${good.stderr}`).toBe(0);
        const web = local("/etc/alertmanager/web.yml");
        const rendered = substituteSecrets(content(alertmanager, "/etc/alertmanager/web.yml"), secrets).replaceAll("/etc/alertmanager/", `${dir}/etc/alertmanager/`);
        writeFileSync(web, rendered.replace("alertmanager.key", "missing.key"));
        const bad = spawnSync("sh", [script], { encoding: "utf8" });
        writeFileSync(web, rendered);
        expect(bad.status).toBe(1);
        expect(bad.stderr).toMatch(/refused its configuration[\s\S]*missing\.key/);
    }, 20_000);
});

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = createServer();
        s.on("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as { port: number }).port;
            s.close(() => resolve(port));
        });
    });
}

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
        try {
            if (ok()) return;
        } catch {
            // not up yet
        }
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 300));
    }
}
