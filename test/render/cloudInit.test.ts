/** cloud-init user data of all 45 VMs: real `cloud-init schema`, an allow-list of keys, and bootstrap-only content. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLOUD_CONFIG_KEYS, DELIVERY_ENTRY_POINT, PLACEHOLDER_OPERATOR, renderCloudInit, SUDOERS_DROP_IN, SSHD_DROP_IN, sshHostKeyFromSeed } from "../../render/index";
import { euRenderOptions, IN_CI, realPlan } from "./fixtures";
import { CHECKERS, hasBinary, installHint, run } from "./sandbox";
import { MINIO_CLIENT } from "../../render/releases";

const { plan, files } = realPlan();

/** The interpreter the `cloud-init` script runs with (its shebang), which has the cloudinit package. */
function cloudInitPython(): string {
    const shebang = readFileSync(execFileSync("sh", ["-c", "command -v cloud-init"]).toString().trim(), "utf8").split("\n")[0];
    return shebang.replace(/^#!\s*/, "").split(/\s+/)[0];
}
const operators = [
    { name: "alice", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAliceKeyOneForTheTests alice@laptop"], sudoPasswordHash: "$6$rounds=656000$saltsaltsalt$Zk6lHashForTheTestsOnly0123456789abcdefABCDEF" },
    { name: "bob", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBobKeyOneForTheTests bob@laptop"] },
];
const deployPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKeyForTheTests deploy@ci";
const docs = plan.accounts.flatMap((a) =>
    a.vms.map((vm) => ({ account: a, vm, text: renderCloudInit(plan, a.name, vm.name, { ...euRenderOptions(), operators, deployPublicKey }) })),
);
const parsed = new Map<string, unknown>();
/**
 * The parsed YAML of a VM's user data, parsed once for all the tests below (a document is
 * about 1,000 lines; parsing each in every test cost seconds); each caller gets its own copy.
 */
function docOf(d: (typeof docs)[number]): unknown {
    if (!parsed.has(d.text)) parsed.set(d.text, parse(d.text));
    return structuredClone(parsed.get(d.text));
}
const dir = mkdtempSync(join(tmpdir(), "blitzhub-cloud-init-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cloud-init user data", () => {
    it("exists for all 45 VMs, starts with #cloud-config and uses only allowed top-level keys", () => {
        expect(docs.length).toBe(45);
        for (const d of docs) {
            expect(d.text.startsWith("#cloud-config\n"), d.vm.resourceName).toBe(true);
            const doc = docOf(d) as Record<string, unknown>;
            const unknown = Object.keys(doc).filter((k) => !(CLOUD_CONFIG_KEYS as readonly string[]).includes(k));
            expect(unknown, d.vm.resourceName).toEqual([]);
            expect(doc.hostname).toBe(d.vm.resourceName);
        }
    });

    it("makes one login per operator and a deploy account with a forced command; no shared or image user", () => {
        for (const d of docs) {
            type User = { name: string; ssh_authorized_keys: string[]; sudo?: unknown; groups?: string[]; lock_passwd: boolean; hashed_passwd?: string };
            const doc = docOf(d) as { users: User[]; write_files: { path: string; content: string; permissions: string }[] };
            expect(doc.users.map((u) => u.name), d.vm.resourceName).toEqual(["alice", "bob", "deploy"]);
            expect(doc.users.some((u) => u.sudo !== undefined), "no cloud-init sudo rules: the sudoers drop-in is the only one").toBe(false);
            expect(doc.users[0].ssh_authorized_keys).toEqual(operators[0].sshPublicKeys);
            expect(doc.users[0].hashed_passwd).toBe(operators[0].sudoPasswordHash);
            expect(doc.users[1]).toMatchObject({ lock_passwd: true });
            const [deployKey] = doc.users[2].ssh_authorized_keys;
            expect(deployKey.startsWith("restrict,"), deployKey).toBe(true);
            expect(deployKey.endsWith(`command="sudo -n ${DELIVERY_ENTRY_POINT}" ${deployPublicKey}`)).toBe(true);
            const bastion = d.vm.services.some((s) => s.service === "wireguard");
            // Only a bastion forwards, and only to port 22 of the plan's VMs.
            const opens = [...deployKey.matchAll(/permitopen="([^"]+)"/g)].map((m) => m[1]);
            expect(opens.length, d.vm.resourceName).toBe(bastion ? 45 : 0);
            expect(deployKey.includes("port-forwarding"), d.vm.resourceName).toBe(bastion);
            for (const o of opens) expect(o).toMatch(/^10\.\d+\.\d+\.\d+:22$/);
            const sudoers = doc.write_files.find((w) => w.path === SUDOERS_DROP_IN)!;
            expect(sudoers.permissions).toBe("0440");
            const rules = sudoers.content.split("\n").filter((l) => l && !l.startsWith("#") && !l.startsWith("Defaults"));
            expect(rules).toEqual(["alice ALL=(ALL:ALL) ALL", `deploy ALL=(root) NOPASSWD: ${DELIVERY_ENTRY_POINT} ""`]);
            expect(d.text).not.toMatch(/NOPASSWD:\s*ALL/);
            const sshd = doc.write_files.find((w) => w.path === SSHD_DROP_IN)!.content;
            expect(sshd).toContain("AllowUsers alice bob deploy");
            expect(sshd).toContain("PasswordAuthentication no");
            expect(doc.write_files.find((w) => w.path === DELIVERY_ENTRY_POINT)?.permissions).toBe("0755");
        }
        const placeholder = parse(renderCloudInit(plan, docs[0].account.name, docs[0].vm.name)) as { users: { name: string }[] };
        expect(placeholder.users.map((u) => u.name)).toEqual([PLACEHOLDER_OPERATOR.name, "deploy"]);
    });

    it("writes the pinned host key only when given (the program), never in the offline render", () => {
        const key = sshHostKeyFromSeed(Buffer.alloc(32, 3).toString("base64"), docs[0].vm.resourceName);
        const doc = parse(renderCloudInit(plan, docs[0].account.name, docs[0].vm.name, { operators, deployPublicKey, hostKey: key })) as Record<string, unknown>;
        expect(doc.ssh_keys).toEqual({ ed25519_private: key.privateKey, ed25519_public: key.publicKey });
        expect(doc.ssh_genkeytypes).toEqual([]);
        expect(doc.ssh_deletekeys).toBe(true);
        for (const d of docs) expect(d.text).not.toContain("PRIVATE KEY");
    });

    it("writes the VM's host firewall (the same ruleset delivery keeps up to date) and starts node_exporter and Promtail", () => {
        for (const d of docs) {
            const doc = docOf(d) as { write_files: { path: string; content: string }[]; runcmd: unknown[][] };
            const nft = doc.write_files.find((w) => w.path === "/etc/nftables.conf")?.content;
            const delivered = files.find((f) => f.account === d.account.name && f.vm === d.vm.name && f.service === "host-firewall")?.content;
            expect(nft, d.vm.resourceName).toBe(delivered);
            const started = doc.runcmd.map((c) => c.join(" "));
            // node_exporter is verified against its recorded sha256, then started.
            expect(started.some((c) => c.includes("node-exporter not installed"))).toBe(false);
            expect(started).toContain("systemctl enable --now prometheus-node-exporter.service");
            expect(started).toContain("systemctl enable --now promtail.service");
        }
    });

    it("verifies every download against the catalogue's sha256 and refuses one without it", () => {
        let verified = 0;
        let refusedCount = 0;
        const mcInstalls: string[] = [];
        for (const d of docs) {
            const doc = docOf(d) as { write_files: { path: string; content: string }[]; runcmd: string[][] };
            const arch = d.vm.shape === "VM.Standard.A1.Flex" ? "linux-arm64" : "linux-amd64";
            const scripts = [...doc.write_files.map((w) => w.content), ...doc.runcmd.map((c) => c.join(" "))];
            for (const script of scripts) {
                // Every curl that fetches a binary (not a repository key, which apt verifies by signature) is checked.
                for (const line of script.split("\n").filter((l) => /curl -fsSL -o "\$tmp/.test(l) && !l.includes("keyring"))) {
                    expect(script, `${d.vm.resourceName}: ${line}`).toMatch(/\| sha256sum -c --quiet -/);
                    verified++;
                }
            }
            for (const s of d.vm.services.filter((p) => p.def.install.method === "release")) {
                const sha = s.def.install.sha256[arch];
                const install = doc.write_files.find((w) => w.path === `/usr/local/lib/blitzhub/install-${s.service}.sh`);
                const refusal = doc.runcmd.map((c) => c.join(" ")).find((c) => c.includes(`blitzhub: ${s.service} not installed`));
                if (sha) {
                    expect(install?.content, `${d.vm.resourceName} ${s.service}`).toContain(`printf '%s  %s\\n' ${sha} "$tmp/archive" | sha256sum -c --quiet -`);
                    expect(refusal).toBeUndefined();
                } else {
                    expect(install, `${d.vm.resourceName} ${s.service}: downloaded without a checksum`).toBeUndefined();
                    if (["fluentd", "solana-validator", "argocd"].includes(s.service)) continue;
                    expect(refusal, `${d.vm.resourceName} ${s.service}`).toContain("an unverified download");
                    refusedCount++;
                }
            }
            // mc: pinned to one release and verified on MinIO's VM, whatever its platform (A1 is arm64).
            const mc = doc.runcmd.map((c) => c.join(" ")).find((c) => c.includes("/usr/local/bin/mc"));
            if (d.vm.services.some((s) => s.service === "minio")) {
                expect(mc, d.vm.resourceName).toContain(`/client/mc/release/${arch}/archive/mc.RELEASE.2024-11-21T17-21-54Z`);
                expect(mc).toContain(`' ${MINIO_CLIENT.sha256[arch]} "$tmp" | sha256sum -c --quiet - && install -m 0755 "$tmp" /usr/local/bin/mc`);
                expect(doc.runcmd.map((c) => c.join(" ")).some((c) => c.includes("blitzhub: mc not installed")), d.vm.resourceName).toBe(false);
                mcInstalls.push(arch);
            } else expect(mc).toBeUndefined();
        }
        expect(verified).toBeGreaterThan(45);
        expect(refusedCount).toBeGreaterThan(0);
        expect(mcInstalls).toContain("linux-arm64");
    });

    it("upgrades from the security archive only and never a pinned package", () => {
        for (const d of docs) {
            const doc = docOf(d) as { packages: string[]; write_files: { path: string; content: string }[] };
            expect(doc.packages).toContain("unattended-upgrades");
            const conf = doc.write_files.find((w) => w.path === "/etc/apt/apt.conf.d/52blitzhub-unattended-upgrades")!.content;
            expect(conf).toContain("#clear Unattended-Upgrade::Allowed-Origins;");
            expect(conf.match(/^ {4}"origin=[^"]*";$/gm)!.every((o) => o.includes("-security"))).toBe(true);
            if (d === docs[0] && hasBinary("apt-config")) {
                // apt itself parses it: the origins apt would hand unattended-upgrades.
                writeFileSync(join(dir, "52blitzhub"), conf);
                const dumped = spawnSync("apt-config", ["-c", join(dir, "52blitzhub"), "dump"]);
                expect(dumped.status, String(dumped.stderr)).toBe(0);
                expect(String(dumped.stdout).match(/^Unattended-Upgrade::Origins-Pattern:: .*$/gm)!.length).toBe(2);
            }
            for (const s of d.vm.services.filter((p) => p.def.install.method === "apt")) {
                expect(conf, `${d.vm.resourceName} ${s.def.install.package}`).toContain(`"^${s.def.install.package.replace(/[.+]/g, "\\$&")}$";`);
            }
        }
    });

    it("pins every apt-installed service to the catalogue's version (the package's own where it differs)", () => {
        for (const d of docs) {
            for (const s of d.vm.services.filter((p) => p.def.install.method === "apt")) {
                expect(d.text, `${d.vm.resourceName} ${s.service}`).toContain(`pin ${s.def.install.package} ${s.def.install.aptVersion ?? s.def.install.packageVersion ?? s.def.version} `);
            }
        }
        // The ModSecurity connector is pinned to its own version, not libmodsecurity's (issue #10, failure 7).
        const fe = docs.find((d) => d.vm.resourceName === "eu-fe-01-app")!.text;
        expect(fe).toContain("pin libnginx-mod-http-modsecurity 1.0.3 ");
    });

    it("installs the exporters that serve nginx's and redis's metrics ports (issue #10, failure 2)", () => {
        const fe = docs.find((d) => d.vm.resourceName === "eu-fe-01-app")!.text;
        const redis = docs.find((d) => d.vm.resourceName === "eu-be-01-redis-primary")!.text;
        expect(fe).toMatch(/for exporter in prometheus-nginx-exporter; do/);
        expect(redis).toMatch(/for exporter in prometheus-redis-exporter; do/);
    });

    it("makes Prometheus' TSDB on its volume for user prometheus, after the volume is mounted (issue #10, failure 1)", () => {
        const mon = docs.find((d) => d.vm.resourceName === "eu-mon-01-observability")!.text;
        expect(mon).toContain("install -d -o prometheus -g prometheus -m 0750 /var/lib/observability/prometheus");
        expect(mon.indexOf("mount-volumes.sh]")).toBeLessThan(mon.indexOf("install-prometheus.sh]"));
        const defaults = files.find((f) => f.account === "EU-MON-01" && f.vm === "observability" && f.path === "/etc/default/prometheus")!.content;
        expect(defaults).toContain("--storage.tsdb.path=/var/lib/observability/prometheus ");
        const backup = files.find((f) => f.account === "EU-MON-01" && f.vm === "observability" && f.path === "/etc/systemd/system/blitzhub-backup-prometheus.service")!.content;
        expect(backup).toContain("/var/lib/observability/prometheus/snapshots");
    });

    it("backup VMs and MinIO's (the offsite copy) get rclone from the distribution; only MinIO's VM downloads the MinIO client", () => {
        for (const d of docs) {
            const backups = d.vm.services.some((s) => s.def.backup.length > 0 || s.service === "minio");
            expect(d.text.includes('  - "rclone"'), d.vm.resourceName).toBe(backups);
            expect(d.text.includes("dl.min.io/client/mc"), d.vm.resourceName).toBe(d.vm.services.some((s) => s.service === "minio"));
        }
    });

    it("adds the vendor repository of every pinned package, with its own keyring, before the pins", () => {
        let withRepositories = 0;
        for (const d of docs) {
            const repositories = [
                ...d.vm.services.filter((s) => s.def.install.method === "apt").flatMap((s) => s.def.install.repositories),
                ...d.vm.services.flatMap((s) => s.def.install.runtime?.repositories ?? []),
            ];
            const doc = docOf(d) as { write_files: { path: string; content: string }[]; runcmd: unknown[][] };
            const script = doc.write_files.find((w) => w.path === "/usr/local/lib/blitzhub/add-apt-repositories.sh")?.content;
            const order = doc.runcmd.map((c) => c.join(" "));
            if (repositories.length === 0) {
                expect(script, d.vm.resourceName).toBeUndefined();
                continue;
            }
            withRepositories++;
            for (const r of repositories) {
                const line = "ppa" in r ? `ppa ${r.ppa}` : `repo ${r.name} "${r.keyUrl}" "${r.url} ${r.suite.replace("{codename}", "$VERSION_CODENAME")} ${r.components.join(" ")}"`;
                expect(script, d.vm.resourceName).toContain(`\n${line}\n`);
            }
            expect(order.indexOf("/usr/local/lib/blitzhub/add-apt-repositories.sh"), d.vm.resourceName).toBeGreaterThanOrEqual(0);
            expect(order.indexOf("/usr/local/lib/blitzhub/add-apt-repositories.sh")).toBeLessThan(order.indexOf("/usr/local/lib/blitzhub/install-pinned.sh"));
            expect(spawnSync("sh", ["-n"], { input: script }).status, d.vm.resourceName).toBe(0);
        }
        expect(withRepositories).toBeGreaterThan(20);
    });

    it("the repository script keys each repository on its own and logs a failed one without stopping", () => {
        const d = docs.find((x) => x.account.name === "EU-FE-01" && x.vm.name === "app")!;
        const script = (docOf(d) as { write_files: { path: string; content: string }[] }).write_files.find((w) => w.path === "/usr/local/lib/blitzhub/add-apt-repositories.sh")!.content;
        const sandbox = mkdtempSync(join(tmpdir(), "blitzhub-apt-repos-"));
        const bin = join(sandbox, "bin");
        mkdirSync(bin);
        for (const sub of ["keyrings", "sources", "log"]) mkdirSync(join(sandbox, sub));
        writeFileSync(join(sandbox, "os-release"), "VERSION_CODENAME=jammy\n");
        const fake = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        // curl: an armored key for nginx.org, a binary one anywhere else; gpg --dearmor marks what it converted.
        fake("curl", 'for a; do out=$url; url=$a; done; for a; do case "$prev" in -o) out=$a;; esac; prev=$a; done; case "$url" in *nginx.org*) echo "-----BEGIN PGP PUBLIC KEY BLOCK-----" > "$out";; *) printf "\\231binary" > "$out";; esac');
        fake("gpg", 'while [ "$1" != "-o" ]; do shift; done; echo "dearmored from $3" > "$2"');
        fake("apt-get", `echo "apt-get $*" >> ${sandbox}/apt.log`);
        const local = script
            .replaceAll("/etc/os-release", `${sandbox}/os-release`)
            .replaceAll("/usr/share/keyrings", `${sandbox}/keyrings`)
            .replaceAll("/etc/apt/sources.list.d", `${sandbox}/sources`)
            .replaceAll("/var/log/blitzhub-bootstrap.log", `${sandbox}/log/bootstrap.log`);
        try {
            const r = spawnSync("/bin/sh", ["-c", local], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
            expect(r.status, r.stderr).toBe(0);
            expect(readFileSync(join(sandbox, "sources", "blitzhub-nginx.list"), "utf8")).toBe(`deb [signed-by=${sandbox}/keyrings/blitzhub-nginx.gpg] http://nginx.org/packages/ubuntu jammy nginx\n`);
            expect(readFileSync(join(sandbox, "keyrings", "blitzhub-nginx.gpg"), "utf8")).toMatch(/^dearmored from /);
            expect(readFileSync(join(sandbox, "apt.log"), "utf8")).toBe("apt-get update\n");

            // A key that cannot be fetched: logged, no list file, exit 1; the other repositories still go in.
            fake("curl", 'exit 22');
            rmSync(join(sandbox, "sources", "blitzhub-nginx.list"));
            const failed = spawnSync("/bin/sh", ["-c", local], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" });
            expect(failed.status).toBe(1);
            expect(readFileSync(join(sandbox, "log", "bootstrap.log"), "utf8")).toContain("add-apt-repositories: nginx key https://nginx.org/keys/nginx_signing.key failed");
            expect(existsSync(join(sandbox, "sources", "blitzhub-nginx.list"))).toBe(false);
        } finally {
            rmSync(sandbox, { recursive: true, force: true });
        }
    });

    it("pins a package's companions to its own version, without shell globbing", () => {
        const d = docs.find((x) => x.account.name === "EU-BE-01" && x.vm.name === "redis-primary")!;
        const script = (docOf(d) as { write_files: { path: string; content: string }[] }).write_files.find((w) => w.path === "/usr/local/lib/blitzhub/install-pinned.sh")!.content;
        expect(script).toContain('pin redis-server 6:7.2.0 "packages.redis.io (pinned 7.2.0)" redis-tools\n');
        const sandbox = mkdtempSync(join(tmpdir(), "blitzhub-pins-"));
        try {
            mkdirSync(join(sandbox, "bin"));
            writeFileSync(join(sandbox, "bin", "apt-get"), `#!/bin/sh\nprintf '%s\\n' "$@" >> ${sandbox}/apt.log\n`, { mode: 0o755 });
            // A file that the unquoted companion argument would glob onto.
            writeFileSync(join(sandbox, "redis-tools=6:7.2.0-glob-trap"), "");
            const r = spawnSync("/bin/sh", ["-c", script.replaceAll("/var/log/blitzhub-bootstrap.log", `${sandbox}/bootstrap.log`)], {
                cwd: sandbox,
                env: { PATH: `${sandbox}/bin:/usr/bin:/bin` },
                encoding: "utf8",
            });
            expect(r.status, r.stderr).toBe(0);
            const args = readFileSync(join(sandbox, "apt.log"), "utf8").split("\n");
            expect(args).toContain("redis-server=6:7.2.0*");
            expect(args).toContain("redis-tools=6:7.2.0*");
        } finally {
            rmSync(sandbox, { recursive: true, force: true });
        }
    });

    it("makes every owner and group of the VM's delivered files that no package made, after the installs", () => {
        for (const d of docs) {
            const delivered = files.filter((f) => f.account === d.account.name && f.vm === d.vm.name);
            const names = [...new Set(delivered.flatMap((f) => [f.owner, f.group]))].filter((n) => n !== "root");
            const order = (docOf(d) as { runcmd: unknown[][] }).runcmd.map((c) => c.join(" "));
            const script = order.find((c) => c.includes("useradd --system"));
            if (names.length === 0) {
                expect(script, d.vm.resourceName).toBeUndefined();
                continue;
            }
            for (const n of names) expect(script, `${d.vm.resourceName} ${n}`).toMatch(new RegExp(`getent (passwd|group) ${n} `));
            expect(order.indexOf(script!)).toBeGreaterThan(order.findIndex((c) => c.includes("install-pinned.sh")));
        }
        const api = docs.find((x) => x.account.name === "EU-BE-01" && x.vm.name === "api")!;
        expect(api.text).toContain("getent passwd app >/dev/null || useradd --system");
    });

    it("the owner script reuses a group a package already made and makes the rest with their own group", () => {
        const d = docs.find((x) => x.account.name === "EU-BE-01" && x.vm.name === "api")!;
        const script = (docOf(d) as { runcmd: unknown[][] }).runcmd.map((c) => c.join(" ")).find((c) => c.includes("useradd --system"))!.replace(/^sh -c /, "");
        const sandbox = mkdtempSync(join(tmpdir(), "blitzhub-owners-"));
        try {
            mkdirSync(join(sandbox, "bin"));
            const fake = (name: string, body: string) => writeFileSync(join(sandbox, "bin", name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
            // Already on the host: the group app (a package made it), the user promtail (its release made it).
            fake("getent", 'case "$1 $2" in "group app"|"passwd promtail") exit 0;; *) exit 2;; esac');
            fake("useradd", `echo "useradd $*" >> ${sandbox}/log`);
            fake("groupadd", `echo "groupadd $*" >> ${sandbox}/log`);
            const r = spawnSync("/bin/sh", ["-c", script], { env: { PATH: `${sandbox}/bin:/usr/bin:/bin` }, encoding: "utf8" });
            expect(r.status, r.stderr).toBe(0);
            const log = readFileSync(join(sandbox, "log"), "utf8");
            // app runs the Node.js apps: PM2 keeps its state in its home.
            expect(log).toContain("useradd --system --create-home --home-dir /home/app --shell /usr/sbin/nologin -g app app\n");
            expect(log).not.toMatch(/useradd .* promtail/);
        } finally {
            rmSync(sandbox, { recursive: true, force: true });
        }
    });

    it("VMs of npm services get their Node.js runtime pinned, PM2 from npm and PM2 started at boot for the runtime's account", () => {
        let withRuntime = 0;
        for (const d of docs) {
            const runtime = d.vm.services.map((s) => s.def.install.runtime).find((r) => r !== undefined);
            const order = (docOf(d) as { runcmd: unknown[][] }).runcmd.map((c) => c.join(" "));
            const setup = order.findIndex((c) => c.includes("pm2 startup"));
            if (!runtime) {
                expect(setup, d.vm.resourceName).toBe(-1);
                continue;
            }
            withRuntime++;
            expect(d.text).toContain(`pin ${runtime.package} ${runtime.aptVersion} `);
            for (const p of runtime.globalPackages) expect(order[setup]).toContain(`npm install -g --no-fund --no-audit ${p}`);
            expect(order[setup]).toContain(`pm2 startup systemd -u ${runtime.user} --hp /home/${runtime.user}`);
            // pm2 startup only writes and enables the unit: PM2 must also run now, before the first delivery.
            expect(order[setup]).toContain(`systemctl enable --now pm2-${runtime.user}`);
            expect(setup).toBeGreaterThan(order.findIndex((c) => c.includes("useradd --system")));
            expect(setup).toBeGreaterThan(order.findIndex((c) => c.includes("install-pinned.sh")));
            expect(spawnSync("sh", ["-n"], { input: order[setup].replace(/^sh -c /, "") }).status).toBe(0);
        }
        // Fastify on the two backends' A1s, React on the five frontends' A1s.
        expect(withRuntime).toBe(7);
    });

    it("carries no service configuration and no secret placeholder, except the VPN entry delivery needs", () => {
        for (const d of docs) {
            expect(d.text).not.toMatch(/@@secret:/);
            const written = (docOf(d) as { write_files: { path: string; content: string }[] }).write_files;
            const delivered = files.filter((x) => x.account === d.account.name && x.vm === d.vm.name && x.service !== "host-firewall");
            const overlap = written.filter((w) => delivered.some((f) => f.path === w.path));
            const bastion = d.vm.services.some((s) => s.service === "wireguard");
            expect(overlap.map((w) => w.path), d.vm.resourceName).toEqual(bastion ? ["/etc/wireguard/wg0.conf"] : []);
            // The bastion boots with exactly the wg0.conf delivery would write (peers included).
            for (const w of overlap) expect(w.content, d.vm.resourceName).toBe(delivered.find((f) => f.path === w.path)!.content);
        }
    });

    it("bastions make their WireGuard key at first boot, keep it, start the tunnel and show the public key", () => {
        const bastions = docs.filter((d) => d.vm.services.some((s) => s.service === "wireguard"));
        expect(bastions.length).toBe(2);
        for (const d of bastions) {
            const doc = docOf(d) as { runcmd: unknown[][] };
            const commands = doc.runcmd.map((c) => c.join(" "));
            const pinned = commands.findIndex((c) => c.includes("install-pinned.sh"));
            const bootstrap = commands.findIndex((c) => c.includes("wg genkey"));
            expect(bootstrap, d.vm.resourceName).toBeGreaterThan(pinned);
            const script = commands[bootstrap];
            expect(script).toContain("umask 077");
            expect(script).toContain("[ -s /etc/wireguard/wg0.key ] || wg genkey > /etc/wireguard/wg0.key");
            expect(script).toContain("systemctl enable --now wg-quick@wg0");
            expect(script).toContain(`WireGuard public key of ${d.account.name}/${d.vm.name}`);
            expect(script).toContain("/dev/console");
            expect(spawnSync("sh", ["-n"], { input: script.replace(/^sh -c /, "") }).status, d.vm.resourceName).toBe(0);
        }
    });

    it("the bastion bootstrap keeps an existing key, and says so on the console when WireGuard cannot start", () => {
        const d = docs.find((x) => x.vm.services.some((s) => s.service === "wireguard"))!;
        const script = (docOf(d) as { runcmd: unknown[][] }).runcmd.map((c) => c.join(" ")).find((c) => c.includes("wg genkey"))!.replace(/^sh -c /, "");
        const sandbox = mkdtempSync(join(tmpdir(), "blitzhub-wg-bootstrap-"));
        const bin = join(sandbox, "bin");
        mkdirSync(bin);
        const fake = (name: string, body: string) => writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        // Only these tools: the machine's own wg must not be found.
        for (const tool of ["cat", "sed"]) symlinkSync(execFileSync("sh", ["-c", `command -v ${tool}`]).toString().trim(), join(bin, tool));
        fake("logger", "exit 0");
        fake("systemctl", `echo "$*" >> ${sandbox}/systemctl.log`);
        const local = script.replaceAll("/etc/wireguard/", `${sandbox}/`).replaceAll("/dev/console", `${sandbox}/console`);
        const boot = () => {
            rmSync(join(sandbox, "console"), { force: true });
            const r = spawnSync("/bin/sh", ["-c", local], { env: { PATH: bin }, encoding: "utf8" });
            expect(r.status, r.stderr).toBe(0);
            return readFileSync(join(sandbox, "console"), "utf8").trimEnd();
        };
        try {
            // No wg: the console says WireGuard did not start, and no key file is left behind.
            expect(boot()).toMatch(/^blitzhub: WireGuard on EU-MGMT-01\/bastion-\d did not start/);
            fake("wg", `case "$1" in genkey) echo GENERATED-KEY;; pubkey) ${join(bin, "sed")} "s/KEY/PUB/";; esac`);
            expect(boot()).toMatch(/^blitzhub: WireGuard public key of EU-MGMT-01\/bastion-\d: GENERATED-PUB$/);
            expect(readFileSync(join(sandbox, "systemctl.log"), "utf8")).toContain("enable --now wg-quick@wg0");
            // A reboot (or a second run) keeps the key the host already has.
            writeFileSync(join(sandbox, "wg0.key"), "EXISTING-KEY\n");
            expect(boot()).toMatch(/: EXISTING-PUB$/);
        } finally {
            rmSync(sandbox, { recursive: true, force: true });
        }
    });

    const hasCloudInit = hasBinary(CHECKERS.cloudInit.bin);
    // `cloud-init schema --config-file` is validate_cloudconfig_file() over get_schema(); the 45
    // files go through that same function in one interpreter (the CLI costs ~0.7 s of start-up
    // per file), and two through the CLI itself.
    it.runIf(hasCloudInit)("passes cloud-init's schema validation for every VM", async () => {
        const paths = docs.map((d) => {
            const file = join(dir, `${d.vm.resourceName}.yaml`);
            writeFileSync(file, d.text);
            return file;
        });
        const script = [
            "import sys",
            "from cloudinit.config.schema import get_schema, validate_cloudconfig_file, SchemaValidationError",
            "schema = get_schema()",
            "for path in sys.argv[1:]:",
            "    try:",
            "        validate_cloudconfig_file(path, schema)",
            "        print('VALID', path)",
            "    except (SchemaValidationError, RuntimeError) as e:",
            "        print('INVALID', path, str(e).replace(chr(10), ' '))",
        ].join("\n");
        const broken = join(dir, "broken.yaml");
        writeFileSync(broken, "#cloud-config\nruncmd: 7\npackage_update: maybe\n");
        const { status, stdout } = await run(cloudInitPython(), ["-c", script, ...paths, broken]);
        expect(status, stdout).toBe(0);
        const valid = stdout.split("\n").filter((l) => l.startsWith("VALID "));
        // The broken document proves the validation can fail.
        expect(stdout.split("\n").filter((l) => l.startsWith("INVALID")).map((l) => l.split(" ")[1])).toEqual([broken]);
        expect(valid.length).toBe(45);
        for (const d of [docs[0], docs[1]]) {
            const cli = await run("cloud-init", ["schema", "--config-file", join(dir, `${d.vm.resourceName}.yaml`)]);
            expect(cli.status, cli.stdout).toBe(0);
            expect(cli.stdout).toMatch(/Valid cloud-config/);
        }
    }, 120_000);
    if (!hasCloudInit && IN_CI) it("cloud-init is installed (CI=true)", () => expect.fail(`cloud-init missing: ${installHint(CHECKERS.cloudInit)}`));
    else if (!hasCloudInit) it.skip(`cloud-init missing — install: ${installHint(CHECKERS.cloudInit)}`, () => {});
});

/** systemd units that Debian/Ubuntu packages ship, by apt package. */
const PACKAGE_UNITS: Record<string, string[]> = {
    nginx: ["nginx"],
    "libnginx-mod-http-modsecurity": ["nginx"],
    haproxy: ["haproxy"],
    "redis-server": ["redis-server"],
    grafana: ["grafana-server"],
    vault: ["vault"],
    "rabbitmq-server": ["rabbitmq-server"],
    "prometheus-nginx-exporter": ["prometheus-nginx-exporter"],
    "prometheus-redis-exporter": ["prometheus-redis-exporter"],
    "openssh-server": ["ssh"],
    "wireguard-tools": ["wg-quick"], // wg-quick@.service, reloaded as wg-quick@wg0
    crowdsec: ["crowdsec"],
    "wazuh-manager": ["wazuh-manager"],
};

describe("every unit a delivered config reloads exists on its VM", () => {
    it("comes from a pinned apt package or a unit the bootstrap writes", async () => {
        const { NOT_BOOTSTRAPPED } = await import("../../render/releases");
        const missing: string[] = [];
        for (const d of docs) {
            const written = (docOf(d) as { write_files: { path: string }[] }).write_files
                .map((w) => /^\/etc\/systemd\/system\/(.+)\.service$/.exec(w.path)?.[1])
                .filter((u): u is string => !!u);
            const fromApt = d.vm.services
                .filter((s) => s.def.install.method === "apt")
                .flatMap((s) => [s.def.install.package, ...(s.def.install.exporter ? [s.def.install.exporter] : [])])
                .flatMap((p) => PACKAGE_UNITS[p] ?? []);
            const units = new Set([...written, ...fromApt]);
            for (const f of files.filter((x) => x.account === d.account.name && x.vm === d.vm.name && x.reload)) {
                if (NOT_BOOTSTRAPPED.includes(f.service)) continue;
                for (const m of f.reload!.matchAll(/systemctl (?:reload|restart) ([\w-]+)/g)) {
                    if (!units.has(m[1])) missing.push(`${d.vm.resourceName} ${f.service}: ${m[1]}`);
                }
            }
        }
        expect([...new Set(missing)]).toEqual([]);
    });
});

describe("block volumes", () => {
    it("are mounted at their plan mount paths from consistent device paths, before anything installs", async () => {
        const { volumeDevice } = await import("../../plan/volumes");
        let volumes = 0;
        for (const d of docs) {
            const doc = docOf(d) as { runcmd: unknown[][]; write_files: { path: string; content: string }[] };
            const script = doc.write_files.find((w) => w.path === "/usr/local/lib/blitzhub/mount-volumes.sh")?.content;
            if (d.vm.blockVolumes.length === 0) {
                expect(script, d.vm.resourceName).toBeUndefined();
                continue;
            }
            d.vm.blockVolumes.forEach((v, i) => {
                volumes++;
                expect(script, d.vm.resourceName).toContain(`mount_volume ${volumeDevice(i)} ${v.mountPath}\n`);
            });
            const order = doc.runcmd.map((c) => c.join(" "));
            expect(order.indexOf("/usr/local/lib/blitzhub/mount-volumes.sh")).toBeLessThan(order.indexOf("/usr/local/lib/blitzhub/install-pinned.sh"));
            const syntax = spawnSync("sh", ["-n"], { input: script });
            expect(syntax.status, String(syntax.stderr)).toBe(0);
        }
        expect(volumes).toBeGreaterThan(0);
    });
});
