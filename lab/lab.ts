/**
 * Builds the lab of a stack from its plan and rendered files: network namespaces with the plan
 * IPs, a copy-on-write root per VM, cloud-init's offline steps, the real delivery scripts, the
 * daemons the deliveries (re)start, and the stand-ins of the apps. `destroy` undoes all of it.
 */
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { loadTopology } from "../model/load";
import type { RegionKey } from "../model/schema";
import { loadAllowances } from "../model/allowances";
import { buildPlan } from "../plan/index";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { renderCloudInit } from "../render/cloudInit";
import { substituteSecrets } from "../render/secrets";
import type { RenderedFile } from "../render/types";
import { renderVm } from "../render/vm";
import { LabMachine } from "./machine";
import { LabNetwork, type LabHost } from "./namespaces";
import { deliver, installStandIns, LabSecrets, runCloudInit, type SkippedStep } from "./provision";
import { LAB_CLIENTS, LAB_VMS, NOT_RUN, STAND_IN_APPS } from "./services";
import { loadOciLimits } from "../model/ociLimits";

/** One VM of the lab: where it is in the plan, its machine, its rendered files. */
export interface LabVm {
    label: string;
    account: AccountPlan;
    vm: VmPlan;
    machine: LabMachine;
    files: RenderedFile[];
    services: string[];
}

/** A service the lab does not run, with its reason. */
export interface NotRun {
    what: string;
    reason: string;
}

export interface LabOptions {
    stack: RegionKey;
    /** Topology file (default: the project's). */
    topology?: string;
    /** Rewrites the rendered files of a VM before delivery (the lab's own tests break one value this way). */
    mutate?: (files: RenderedFile[], label: string) => RenderedFile[];
    log?: (line: string) => void;
}

export class Lab {
    readonly prefix = `blz${process.pid}`;
    readonly network = new LabNetwork(this.prefix);
    readonly scratch = `/tmp/${this.prefix}`;
    readonly secrets = new LabSecrets(() => this.plan);
    readonly vms = new Map<string, LabVm>();
    readonly clients = new Map<string, LabMachine>();
    readonly notRun: NotRun[] = [];
    readonly skippedSteps = new Map<string, SkippedStep[]>();
    readonly failedDeliveries: { vm: string; service: string; output: string }[] = [];
    plan!: TopologyPlan;
    private readonly log: (line: string) => void;

    constructor(readonly options: LabOptions) {
        this.log = options.log ?? (() => undefined);
    }

    /** Sink of Alertmanager's receivers inside the lab (a Slack-compatible webhook on its VM's loopback). */
    static readonly SINK = { port: 9099 };

    /** Where the S3 stand-in logs each request (JSON lines: key, method, action, path, status) on MinIO's VM. */
    static readonly S3_REQUEST_LOG = "/var/log/lab-units/s3-requests.jsonl";

    async build(): Promise<void> {
        const topology = this.options.topology ?? resolve(import.meta.dirname, "../topology/blitzhub.yaml");
        this.plan = buildPlan(loadTopology(topology), loadAllowances(), loadOciLimits());
        const wanted = LAB_VMS[this.options.stack];
        if (!wanted) throw new Error(`lab: no lab is defined for stack ${this.options.stack} (stacks with a lab: ${Object.keys(LAB_VMS).join(", ")})`);
        mkdirSync(this.scratch, { recursive: true });
        this.network.create();
        // Alertmanager's receivers post to the lab's sink: the webhook URLs are secrets, so the sink is their value here.
        for (const path of ["secret/alertmanager/slack_critical_url", "secret/alertmanager/slack_warning_url"]) {
            this.secrets.set(path, `http://127.0.0.1:${Lab.SINK.port}/${path.split("_")[1]}`);
        }
        for (const label of wanted) {
            const [accountName, vmName] = label.split("/");
            const account = this.plan.accounts.find((a) => a.name === accountName);
            const vm = account?.vms.find((v) => v.name === vmName);
            if (!account || !vm) throw new Error(`lab: ${label} is not in the plan`);
            const host = this.network.addHost(vm.privateIp);
            const machine = new LabMachine(label, vm.resourceName, host, `${this.scratch}/${accountName}-${vmName}`);
            let files = renderVm(this.plan, account, vm, {});
            if (this.options.mutate) files = this.options.mutate(files, label);
            this.vms.set(label, { label, account, vm, machine, files, services: vm.services.map((s) => s.service) });
        }
        for (const c of LAB_CLIENTS[this.options.stack] ?? []) {
            const host: LabHost = this.network.addHost(c.ip);
            this.clients.set(c.name, new LabMachine(`client ${c.name}`, c.name, host, `${this.scratch}/client-${c.name}`));
        }
        await Promise.all([...this.vms.values()].map((v) => v.machine.boot()));
        await Promise.all([...this.clients.values()].map((c) => c.boot()));
        await Promise.all([...this.vms.values()].map((v) => this.provision(v)));
        for (const v of this.vms.values()) this.startStandIns(v);
        await Promise.all([...this.vms.values()].map((v) => this.waitForStandIns(v)));
    }

    /**
     * Waits until each stand-in listens where the plan places it: a flow must not race an app's
     * start (Nginx would mark the upstream failed for its fail_timeout and answer 502 after).
     */
    private async waitForStandIns(v: LabVm): Promise<void> {
        const ports = v.vm.services
            .filter((s) => s.service in STAND_IN_APPS || s.service === "minio")
            .flatMap((s) => s.ports.filter((p) => !p.localOnly).map((p) => `${s.service}:${p.port}`));
        for (const entry of ports) {
            const port = entry.split(":")[1];
            const r = await v.machine.runAsync(`for i in $(seq 1 150); do (exec 3<>/dev/tcp/${v.vm.privateIp}/${port}) 2>/dev/null && exit 0; sleep 0.2; done; exit 1`, { timeout: 40 });
            if (r.code !== 0) this.log(`${v.label}: ${entry} is not listening after 30 s (see /var/log/lab-units/ in the VM)`);
        }
    }

    private async provision(v: LabVm): Promise<void> {
        const t0 = Date.now();
        installStandIns(v.machine);
        const userData = renderCloudInit(this.plan, v.account, v.vm, { files: v.files });
        this.skippedSteps.set(v.label, await runCloudInit(v.machine, userData, this.log));
        this.log(`${v.label}: cloud-init steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        if (v.services.includes("haproxy")) {
            // HAProxy sizes its file descriptors from maxconn (50,000 → ~100,000 fds), which the VM's
            // systemd allows; this machine's hard limit is lower, so the lab caps connections with
            // -n (HAProxy's own flag, in the package's /etc/default file) instead of changing the config.
            const r = await v.machine.runAsync(
                `n=$(( $(ulimit -Hn) / 2 - 500 )); printf 'EXTRAOPTS="-S /run/haproxy-master.sock -n %s"\n' "$n" > /etc/default/haproxy`,
            );
            if (r.code !== 0) throw new Error(`${v.label}: /etc/default/haproxy: ${r.stderr}`);
        }
        const runnable = v.files.filter((f) => !(f.service in NOT_RUN));
        for (const s of new Set(v.files.map((f) => f.service))) if (s in NOT_RUN) this.notRun.push({ what: `${s} on ${v.label}`, reason: NOT_RUN[s] });
        for (const r of await deliver(v.machine, runnable, this.secrets)) {
            this.log(`${v.label}: delivery of ${r.service}: ${r.ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(1)} s`);
            if (!r.ok) {
                this.failedDeliveries.push({ vm: v.label, service: r.service, output: r.output });
                this.log(`${v.label}: delivery of ${r.service} failed:\n${r.output.split("\n").slice(-15).join("\n")}`);
            }
        }
        this.log(`${v.label}: provisioned in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }

    private startStandIns(v: LabVm): void {
        for (const service of v.services) {
            const app = STAND_IN_APPS[service];
            if (app) {
                const script = resolve(import.meta.dirname, app.script);
                const r = v.machine.run(`mkdir -p /var/log/lab-units; (setsid runuser -u ${app.user} -- node ${script} >> /var/log/lab-units/${service}-stand-in.log 2>&1 < /dev/null &)`);
                if (r.code !== 0) this.log(`${v.label}: ${service} stand-in did not start: ${r.stderr}`);
            }
            if (service === "minio") {
                const env = v.files.find((f) => f.path === "/etc/default/minio")?.content ?? "";
                const address = /--address\s+([0-9.]+):(\d+)/.exec(env);
                const volumes = /MINIO_VOLUMES="?([^"\n]+)"?/.exec(env)?.[1];
                const provision = v.files.find((f) => f.path.endsWith("/minio-provision.sh"))?.content ?? "";
                const bucket = /mc_local mb --ignore-existing "local\/([^"]+)"/.exec(provision)?.[1];
                // The users and policies the rendered provisioning script would create in MinIO.
                const policies = Object.fromEntries(
                    [...provision.matchAll(/cat > "\$cfg\/([a-z0-9-]+)\.json" <<'BLITZHUB_POLICY'\n(.*)\nBLITZHUB_POLICY/g)].map((m) => [m[1], JSON.parse(m[2]) as unknown]),
                );
                if (!address || !volumes || !bucket || Object.keys(policies).length === 0) {
                    this.log(`${v.label}: no MinIO address, bucket or users in /etc/default/minio and minio-provision.sh`);
                    continue;
                }
                // MinIO's rendered TLS files (its --certs-dir), filled like a delivery fills them: the
                // stand-in serves the rendered leaf, so the clients' rendered https:// and CA are what is tested.
                const certsDir = /--certs-dir\s+([^\s"]+)/.exec(env)?.[1];
                const certFile = v.files.find((f) => f.service === "minio" && f.path === `${certsDir}/public.crt`);
                const keyFile = v.files.find((f) => f.service === "minio" && f.path === `${certsDir}/private.key`);
                const tlsArgs: string[] = [];
                if (certsDir && certFile && keyFile) {
                    for (const f of [certFile, keyFile]) {
                        const content = substituteSecrets(f.content, Object.fromEntries(f.secretRefs.map((ref) => [ref, this.secrets.valueOf(ref)])));
                        v.machine.run(`install -d -m 0755 ${certsDir} && umask 077 && cat > ${f.path}`, { input: content });
                    }
                    tlsArgs.push(certFile.path, keyFile.path);
                }
                const script = resolve(import.meta.dirname, "standins/s3.mjs");
                v.machine.run(`mkdir -p ${volumes} /var/log/lab-units /var/lib/lab-s3 && cat > /var/lib/lab-s3/policies.json`, { input: JSON.stringify(policies) });
                v.machine.run(
                    `(setsid node ${script} ${address[1]} ${address[2]} ${volumes} ${bucket} /var/lib/lab-s3/policies.json ${Lab.S3_REQUEST_LOG} ${tlsArgs.join(" ")} >> /var/log/lab-units/s3-stand-in.log 2>&1 < /dev/null &)`,
                );
            }
        }
    }

    /** Every lab VM that runs `service`. */
    vmsWith(service: string): LabVm[] {
        return [...this.vms.values()].filter((v) => v.services.includes(service));
    }

    destroy(): void {
        for (const m of [...this.clients.values(), ...[...this.vms.values()].map((v) => v.machine)]) {
            try {
                m.shutdown();
            } catch (error) {
                this.log(`cleanup ${m.label}: ${String(error)}`);
            }
        }
        this.network.destroy();
        rmSync(this.scratch, { recursive: true, force: true });
    }
}
