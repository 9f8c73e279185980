/**
 * Runs rendered files through the real checkers with the paths they have on the VM: each VM's
 * files are laid over /etc, /usr and /var with overlayfs inside a private mount namespace
 * (`unshare -m`, as root), so includes, rule files and users resolve as on the host, and the
 * host itself never changes. The checks run are the files' own `validate` commands — the
 * same ones delivery runs on the VM.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { backendCaOf, backendPkiSecretValues, isBackendPkiSecretPath } from "../../render/backendPki";
import { internalCaFromSeed, isPkiSecretPath, pkiSecretValues } from "../../render/internalPki";
import { substituteSecrets } from "../../render/secrets";
import { realPlan } from "./fixtures";
import { DEBIAN_BUILDS } from "../../lab/provision";
import type { RenderedFile } from "../../render/types";

/** A Debian program the tests use as a checker, and the package that ships it. */
export interface Checker {
    bin: string;
    pkg: string;
}

export const CHECKERS = {
    nginx: { bin: "nginx", pkg: "nginx libnginx-mod-http-modsecurity libnginx-mod-stream" },
    haproxy: { bin: "haproxy", pkg: "haproxy" },
    promtool: { bin: "promtool", pkg: "prometheus" },
    amtool: { bin: "amtool", pkg: "prometheus-alertmanager" },
    redis: { bin: "redis-server", pkg: "redis-server" },
    logrotate: { bin: "logrotate", pkg: "logrotate" },
    cloudInit: { bin: "cloud-init", pkg: "cloud-init" },
    nft: { bin: "nft", pkg: "nftables" },
    systemd: { bin: "systemd-analyze", pkg: "systemd" },
    sshd: { bin: "sshd", pkg: "openssh-server" },
    sh: { bin: "sh", pkg: "dash" },
    wgQuick: { bin: "wg-quick", pkg: "wireguard-tools" },
    crowdsec: { bin: "crowdsec", pkg: "crowdsec" },
    python3: { bin: "/usr/bin/python3", pkg: "python3 python3-yaml" },
} as const satisfies Record<string, Checker>;

/** Which checker validates the files of each rendered service. */
export const SERVICE_CHECKER: Readonly<Record<string, Checker>> = {
    nginx: CHECKERS.nginx,
    modsecurity: CHECKERS.nginx,
    "rpc-gateway": CHECKERS.nginx,
    haproxy: CHECKERS.haproxy,
    prometheus: CHECKERS.promtool,
    alertmanager: CHECKERS.amtool,
    redis: CHECKERS.redis,
    logrotate: CHECKERS.logrotate,
    "host-firewall": CHECKERS.nft,
    backup: CHECKERS.systemd,
    "ssh-bastion": CHECKERS.sshd,
    minio: CHECKERS.sh,
    wireguard: CHECKERS.wgQuick,
    crowdsec: CHECKERS.crowdsec,
    "wazuh-manager": CHECKERS.python3,
    argocd: CHECKERS.python3,
};

export function hasBinary(bin: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${bin} || test -x /usr/sbin/${bin}`], { stdio: "ignore" }).status === 0;
}

/** Overlay mounts need root and util-linux `unshare`. */
export function canSandbox(): boolean {
    return process.getuid?.() === 0 && hasBinary("unshare");
}

/** How to get a missing checker. */
export function installHint(checker: Checker): string {
    return `apt-get install -y --no-install-recommends ${checker.pkg} (or: bash .ci/install-checkers.sh)`;
}

/** The CA of the checks: a fixed test seed, so certificates and keys are real and the same each run. */
const TEST_CA = internalCaFromSeed(Buffer.alloc(32, 0x42).toString("base64"), "BlitzHub test CA");

/**
 * Deterministic stand-ins for secret values, as delivery would substitute them: real certificates
 * and keys (of a test CA) for `secret/pki/...`, since daemons load them; fake strings for the rest.
 */
export function fakeSecrets(files: RenderedFile[]): Record<string, string> {
    const values: Record<string, string> = {};
    const refs = [...new Set(files.flatMap((f) => f.secretRefs))];
    for (const ref of refs) values[ref] = `Fake${Buffer.from(ref).toString("hex").slice(0, 24)}Value`;
    if (refs.some(isPkiSecretPath)) Object.assign(values, pkiSecretValues(realPlan().plan, TEST_CA, refs));
    if (refs.some(isBackendPkiSecretPath)) Object.assign(values, backendPkiSecretValues(realPlan().plan, backendCaOf(TEST_CA), refs));
    return values;
}

export interface CheckResult {
    service: string;
    command: string;
    status: number;
    output: string;
}

const ROOTS = ["etc", "usr", "var"];
/** First uid/gid of the accounts the sandbox adds (system ranges stay below it). */
const SANDBOX_ID_BASE = 61000;

/**
 * Lays `files` (one VM's) over the host in a private mount namespace and runs each distinct
 * `validate` command of the services in `services`. Secrets are substituted with fake values
 * first, like delivery does.
 */
export async function validateVm(files: RenderedFile[], services: Set<string>): Promise<CheckResult[]> {
    const stage = mkdtempSync(join(tmpdir(), "blitzhub-render-"));
    try {
        const secrets = fakeSecrets(files);
        for (const f of files) {
            const root = f.path.split("/")[1];
            if (!ROOTS.includes(root)) {
                // Application files (/app/...) have no host directory to lay over; their own checks run elsewhere.
                if (services.has(f.service)) throw new Error(`${f.path}: outside /${ROOTS.join(", /")}; the sandbox cannot lay it over the host`);
                continue;
            }
            const target = join(stage, "upper", f.path);
            mkdirSync(dirname(target), { recursive: true });
            writeFileSync(target, substituteSecrets(f.content, secrets));
            chmodSync(target, parseInt(f.mode, 8));
        }
        writeFileSync(join(stage, "bootstrap.pem"), await haproxyBootstrapPem(), { mode: 0o600 });
        const accounts = new Set<string>(["nginx"]);
        for (const f of files) {
            accounts.add(f.owner);
            accounts.add(f.group);
        }
        const checks: { service: string; command: string }[] = [];
        for (const f of files) {
            if (!services.has(f.service) || !f.validate) continue;
            if (!checks.some((c) => c.service === f.service && c.command === f.validate)) checks.push({ service: f.service, command: f.validate });
        }
        const lines = [
            "set -u",
            ...ROOTS.map(
                (r) =>
                    `mkdir -p ${stage}/upper/${r} ${stage}/work/${r} && mount -t overlay overlay -o lowerdir=/${r},upperdir=${stage}/upper/${r},workdir=${stage}/work/${r} /${r} || { echo "@@OVERLAY ${r} failed"; exit 90; }`,
            ),
            // The VM's packages create these users; the test host may not have them (inside the overlay only).
            // Appended to the overlay's passwd and group directly: groupadd/useradd lock and sync the
            // files, about 0.2 s per account, and the checkers only look the names up.
            ...[...accounts]
                .filter((a) => a !== "root")
                .map(
                    (a, i) =>
                        `getent group ${a} >/dev/null || echo "${a}:x:${SANDBOX_ID_BASE + i}:" >> /etc/group; ` +
                        `getent passwd ${a} >/dev/null || echo "${a}:x:${SANDBOX_ID_BASE + i}:$(getent group ${a} | cut -d: -f3)::/nonexistent:/usr/sbin/nologin" >> /etc/passwd`,
                ),
            // Release binaries a check runs at their VM path (Alertmanager's check starts the daemon):
            // Debian's build of the same program, as the lab installs it.
            ...Object.values(DEBIAN_BUILDS)
                .flatMap((b) => Object.entries(b))
                .map(([vmPath, debian]) => `if [ ! -e ${vmPath} ] && [ -x ${debian} ]; then mkdir -p ${dirname(vmPath)} && ln -s ${debian} ${vmPath}; fi`),
            // HAProxy's bootstrap certificate, made by cloud-init before any delivery (its https bind needs one).
            `if [ -e /etc/haproxy/haproxy.cfg ] && [ -z "$(ls -A /etc/haproxy/certs 2>/dev/null)" ]; then mkdir -p /etc/haproxy/certs && cp ${stage}/bootstrap.pem /etc/haproxy/certs/bootstrap-self-signed.pem; fi`,
            ...checks.flatMap((c, i) => [`echo "@@BEGIN ${i}"`, `( ${c.command} ) </dev/null 2>&1`, `echo "@@END ${i} $?"`]),
        ];
        const { status, stdout } = await run("unshare", ["-m", "--propagation", "private", "sh", "-c", lines.join("\n")]);
        if (status === 90 || /@@OVERLAY/.test(stdout)) throw new Error(`overlay mount failed:\n${stdout}`);
        return checks.map((c, i) => {
            const m = new RegExp(`@@BEGIN ${i}\\n([\\s\\S]*?)@@END ${i} (\\d+)`).exec(stdout);
            return { ...c, status: m ? Number(m[2]) : -1, output: m ? m[1] : stdout };
        });
    } finally {
        rmSync(stage, { recursive: true, force: true });
    }
}

let bootstrapPem: Promise<string> | undefined;

/**
 * A self-signed certificate and its key in one PEM, as cloud-init makes for HAProxy's first start.
 * Made once per process: an RSA key takes openssl about 0.6 s of CPU, and every sandbox (the host
 * has Debian's haproxy.cfg) would otherwise make its own.
 */
function haproxyBootstrapPem(): Promise<string> {
    bootstrapPem ??= (async () => {
        const dir = mkdtempSync(join(tmpdir(), "blitzhub-bootstrap-"));
        try {
            const key = join(dir, "k.pem");
            const cert = join(dir, "c.pem");
            const r = await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=sandbox", "-keyout", key, "-out", cert]);
            if (r.status !== 0) throw new Error(`openssl req (HAProxy's bootstrap certificate) exited ${r.status}:\n${r.stdout}`);
            return readFileSync(cert, "utf8") + readFileSync(key, "utf8");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    })();
    return bootstrapPem;
}

/** Runs a program to completion; resolves with its exit status and combined output. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<{ status: number; stdout: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ status: code ?? -1, stdout: out });
        });
        child.stdin.end(opts.input ?? "");
    });
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
        Array.from({ length: Math.min(limit, items.length) }, async () => {
            while (next < items.length) {
                const i = next++;
                results[i] = await fn(items[i]);
            }
        }),
    );
    return results;
}
