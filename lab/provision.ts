/**
 * Brings a lab VM to where a real one is after boot and delivery: the cloud-init steps that need
 * no internet (users, write_files, runcmd), then the project's own delivery script of each
 * service (`remoteScript`, the bash ConfigDelivery pipes over SSH), with lab-made secrets.
 */
import type { TopologyPlan } from "../plan/types";
import { backendCaOf, backendPkiSecretValues, isBackendPkiSecretPath } from "../render/backendPki";
import { internalCaFromSeed, isPkiSecretPath, pkiSecretValues } from "../render/internalPki";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { parse } from "yaml";
import { remoteScript, secretEnvName } from "../components/delivery/deliveryScript";
import type { RenderedFile } from "../render/types";
import type { LabMachine } from "./machine";

/** The lab's own files that stand in for what the machine lacks (no systemd, no cloud-init run). */
export const STAND_INS = {
    systemctl: resolve(import.meta.dirname, "vm/systemctl.mjs"),
};

/** A cloud-init runcmd step the lab leaves out, and why. */
export interface SkippedStep {
    step: string;
    reason: string;
}

/** Steps that fetch from the internet (vendor repositories, pinned packages, release downloads, npm). */
const NEEDS_INTERNET = /add-apt-repositories|install-pinned|\/install-[a-z0-9-]+\.sh|\bcurl\b|\bnpm\b|\bpip3?\b|apt-get/;

/**
 * Release binaries the VM downloads (GitHub) for which Debian ships the same program: the lab
 * runs the release script's own steps (its account, its state directories) except the download,
 * and installs Debian's build at the release's path.
 */
export const DEBIAN_BUILDS: Record<string, Record<string, string>> = {
    "node-exporter": { "/usr/local/bin/node_exporter": "/usr/bin/prometheus-node-exporter" },
    prometheus: { "/usr/local/bin/prometheus": "/usr/bin/prometheus", "/usr/local/bin/promtool": "/usr/bin/promtool" },
    alertmanager: { "/usr/local/bin/alertmanager": "/usr/bin/prometheus-alertmanager", "/usr/local/bin/amtool": "/usr/bin/amtool" },
};

/** Lines of a release install script that fetch or unpack the download. */
const DOWNLOAD_STEP = /\bcurl\b|\btar\b|\bunzip\b|\$tmp|\$\(mktemp/;

/**
 * Test secrets: one random value per Vault path for the whole lab (a password shared by VMs stays
 * shared); certificates, keys and derived passwords (`secret/pki/...`, `secret/derived/...`) from
 * a CA made for this lab run (render/internalPki.ts), as the stack derives them from its seed.
 */
export class LabSecrets {
    private readonly values = new Map<string, string>();
    /** The lab's private CA (a fresh seed per run). */
    readonly ca = internalCaFromSeed(randomBytes(32).toString("base64"), "BlitzHub lab CA");
    /** The backend CA of the same seed (render/backendPki.ts): what the load-balancer stand-in verifies Nginx with. */
    readonly backendCa = backendCaOf(this.ca);

    /** @param planOf the lab's plan, once known (leaf names come from its VMs) */
    constructor(private readonly planOf: () => TopologyPlan | undefined = () => undefined) {}

    /** Fixes a path's value (a webhook URL that must point at the lab's sink). */
    set(path: string, value: string): void {
        this.values.set(path, value);
    }

    valueOf(path: string): string {
        const plan = this.planOf();
        if (!this.values.has(path) && plan && isPkiSecretPath(path)) this.values.set(path, pkiSecretValues(plan, this.ca, [path])[path]);
        if (!this.values.has(path) && plan && isBackendPkiSecretPath(path)) this.values.set(path, backendPkiSecretValues(plan, this.backendCa, [path])[path]);
        if (!this.values.has(path)) this.values.set(path, randomBytes(18).toString("base64url"));
        return this.values.get(path)!;
    }

    /** `BLITZHUB_SECRET_*` variables for the paths these files reference. */
    envFor(files: RenderedFile[]): Record<string, string> {
        const env: Record<string, string> = {};
        for (const ref of new Set(files.flatMap((f) => f.secretRefs))) env[secretEnvName(ref)] = this.valueOf(ref);
        return env;
    }
}

function quote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

function stepText(step: unknown): string {
    return Array.isArray(step) ? step.map((p) => quote(String(p))).join(" ") : String(step);
}

/** Installs the stand-ins into the VM (its overlay only). */
export function installStandIns(vm: LabMachine): void {
    const r = vm.run(
        [
            "set -e",
            `install -m 0755 ${STAND_INS.systemctl} /usr/local/sbin/systemctl`,
            // `cloud-init status --wait` (delivery waits for the bootstrap) hangs without systemd.
            "printf '#!/bin/sh\\n[ \"$1\" = status ] && { echo \"status: done\"; exit 0; }\\necho \"cloud-init (lab): only status is supported\" >&2; exit 1\\n' > /usr/local/bin/cloud-init",
            "chmod 0755 /usr/local/bin/cloud-init",
            // What systemd does at boot: the packages' runtime directories (/run/haproxy, ...).
            "systemd-tmpfiles --create --prefix=/run --prefix=/var/lib --prefix=/var/log >/dev/null 2>&1 || true",
        ].join("\n"),
    );
    if (r.code !== 0) throw new Error(`${vm.label}: stand-ins: ${r.stderr}`);
}

/** Runs the cloud-init user data's offline steps; returns the steps it left out. */
export async function runCloudInit(vm: LabMachine, userData: string, log: (line: string) => void): Promise<SkippedStep[]> {
    const doc = parse(userData) as {
        users?: { name: string; gecos?: string; groups?: string[]; shell?: string }[];
        write_files?: { path: string; owner?: string; permissions?: string; content: string }[];
        runcmd?: unknown[];
    };
    const skipped: SkippedStep[] = [];
    const script: string[] = ["set -u"];
    // The GECOS as cloud-init writes it: the identities sync manages only logins it names as operators'.
    for (const u of doc.users ?? []) {
        script.push(`getent passwd ${u.name} >/dev/null || useradd --create-home --shell ${u.shell ?? "/bin/sh"}${u.gecos ? ` --comment ${quote(u.gecos)}` : ""} ${u.name}`);
    }
    const write = (path: string, content: string, owner = "root:root", mode = "0644") => {
        const marker = `LAB_EOF_${randomBytes(6).toString("hex")}`;
        script.push(`mkdir -p "$(dirname ${quote(path)})"`, `cat > ${quote(path)} <<'${marker}'`, content.replace(/\n$/, ""), marker, `chown ${owner} ${quote(path)} && chmod ${mode} ${quote(path)}`);
    };
    for (const f of doc.write_files ?? []) write(f.path, f.content, f.owner, f.permissions);
    for (const step of doc.runcmd ?? []) {
        const text = stepText(step);
        const release = /\/usr\/local\/lib\/blitzhub\/install-([a-z0-9-]+)\.sh/.exec(text);
        if (release && DEBIAN_BUILDS[release[1]]) {
            const builds = DEBIAN_BUILDS[release[1]];
            skipped.push({ step: text, reason: `downloads a release; the lab installs Debian's build (${Object.values(builds).join(", ")})` });
            const body = (doc.write_files ?? []).find((f) => f.path === release[0])?.content ?? "";
            for (const [binary, debian] of Object.entries(builds)) script.push(`install -m 0755 ${debian} ${binary}`);
            script.push(...body.split("\n").filter((l) => l.trim() && !l.startsWith("#") && !/^set /.test(l) && !DOWNLOAD_STEP.test(l)));
            continue;
        }
        if (text.includes("mount-volumes.sh")) {
            skipped.push({ step: text, reason: "the lab has no block volumes: their mount points are plain directories of the VM's root" });
            for (const m of userData.matchAll(/^\s*mount_volume \S+ (\S+)$/gm)) script.push(`mkdir -p ${m[1]}`);
            continue;
        }
        if (NEEDS_INTERNET.test(text)) {
            skipped.push({ step: text, reason: "needs the internet" });
            continue;
        }
        script.push(`( ${Array.isArray(step) ? text : `sh -c ${quote(text)}`} ) || echo "lab cloud-init: step failed: ${text.replace(/["$`\\]/g, "\\$&").slice(0, 120)}" >&2`);
    }
    const r = await vm.runAsync(script.join("\n"), { timeout: 120 });
    for (const line of r.stderr.split("\n").filter((l) => l.includes("step failed"))) log(`${vm.label}: ${line}`);
    if (r.code !== 0) throw new Error(`${vm.label}: cloud-init steps failed: ${r.stderr.slice(-2000)}`);
    return skipped;
}

/** Result of one service's delivery. */
export interface DeliveryResult {
    service: string;
    ok: boolean;
    output: string;
    seconds: number;
}

/** Runs the real delivery script of each service of these files, in order, with the lab's secrets. */
export async function deliver(vm: LabMachine, files: RenderedFile[], secrets: LabSecrets): Promise<DeliveryResult[]> {
    const byService = new Map<string, RenderedFile[]>();
    for (const f of files) byService.set(f.service, [...(byService.get(f.service) ?? []), f]);
    const results: DeliveryResult[] = [];
    for (const [service, serviceFiles] of byService) {
        const t0 = Date.now();
        const r = await vm.runAsync("bash -s", { input: remoteScript(serviceFiles), env: secrets.envFor(serviceFiles), timeout: 180 });
        results.push({ service, ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim(), seconds: (Date.now() - t0) / 1000 });
    }
    return results;
}
