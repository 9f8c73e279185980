/** The security, validator, CD and frontend files: plan addresses and ports, placeholders for secrets. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { containsAddress, overlaps, parseNetwork } from "../../plan/cidr";
import { SOLANA_MIN_LEDGER_SHREDS } from "../../render/solanaValidator";
import { WIREGUARD_TUNNEL_SPACE } from "../../render/wireguard";
import { IN_CI, realPlan } from "./fixtures";
import { run } from "./sandbox";

const { plan, files } = realPlan();
const filesAt = (path: string) => files.filter((f) => f.path === path);
const vmOf = (account: string, name: string) => plan.accounts.find((a) => a.name === account)!.vms.find((v) => v.name === name)!;

describe("WireGuard on the MGMT bastions", () => {
    const wg = filesAt("/etc/wireguard/wg0.conf");

    it("renders wg0.conf exactly on the VMs that run wireguard", () => {
        const bastions = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "wireguard")).map((v) => `${a.name}/${v.name}`));
        expect(bastions.length).toBeGreaterThan(0);
        expect(wg.map((f) => `${f.account}/${f.vm}`)).toEqual(bastions);
    });

    it("gives each bastion its own tunnel /24 outside the address space, listens on 51820 and routes into the address space", () => {
        const space = parseNetwork(plan.addressSpace);
        const tunnel = parseNetwork(WIREGUARD_TUNNEL_SPACE);
        expect(overlaps(space, tunnel)).toBe(false);
        const subnets = new Set<string>();
        for (const f of wg) {
            const address = /^Address = (\d+\.\d+\.\d+\.\d+)\/24$/m.exec(f.content)?.[1];
            expect(address, f.vm).toBeDefined();
            expect(containsAddress(tunnel, address!)).toBe(true);
            subnets.add(address!.split(".").slice(0, 3).join("."));
            expect(f.content).toMatch(/^ListenPort = 51820$/m);
            expect(f.content).toContain(`ip daddr ${plan.addressSpace} masquerade`);
            expect(f.content).toContain(vmOf(f.account, f.vm).privateIp);
            expect(f.content).toMatch(/^PrivateKey = @@secret:secret\/wireguard\/bastion_private_key@@$/m);
            expect(f.secretRefs).toEqual(["secret/wireguard/bastion_private_key"]);
            expect(f.mode).toBe("0600");
        }
        expect(subnets.size).toBe(wg.length);
    });
});

describe("CrowdSec", () => {
    const cs = filesAt("/etc/crowdsec/config.yaml");

    it("renders on the VM that runs crowdsec: LAPI on the catalogue port, metrics on the plan IP, SQLite", () => {
        const hosts = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "crowdsec")).map((v) => ({ a, v })));
        expect(cs.map((f) => `${f.account}/${f.vm}`)).toEqual(hosts.map(({ a, v }) => `${a.name}/${v.name}`));
        for (const f of cs) {
            const doc = parse(f.content) as { api: { server: { listen_uri: string } }; prometheus: { listen_addr: string; listen_port: number }; db_config: { type: string; db_path: string } };
            const placement = vmOf(f.account, f.vm).services.find((s) => s.service === "crowdsec")!;
            expect(doc.api.server.listen_uri).toBe(`127.0.0.1:${placement.ports.find((p) => p.name === "api")!.port}`);
            expect(doc.prometheus).toMatchObject({ listen_addr: vmOf(f.account, f.vm).privateIp, listen_port: placement.ports.find((p) => p.name === "metrics")!.port });
            expect(doc.db_config.type).toBe("sqlite");
            expect([f.mode, f.owner, f.group]).toEqual(["0600", "crowdsec", "crowdsec"]);
        }
    });
});

/** Runs a file's `validate` command on a copy of the file (for files outside /etc, /usr, /var the sandbox cannot lay over). */
async function validateCopy(validate: string, path: string, content: string): Promise<{ status: number; stdout: string }> {
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-validate-"));
    try {
        const copy = join(dir, basename(path));
        writeFileSync(copy, content);
        expect(validate).toContain(path);
        return await run("sh", ["-c", validate.split(path).join(copy)]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const hasPyYaml = spawnSync("/usr/bin/python3", ["-c", "import yaml"], { stdio: "ignore" }).status === 0;

describe("Solana validator flags file", () => {
    const sol = filesAt("/solana/config/validator.yml");

    it("renders on every validator VM: RPC on the plan IP and 8899, 8000-8020, ledger on the block volume, the keypair path", () => {
        const hosts = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "solana-validator")).map((v) => `${a.name}/${v.name}`));
        expect(hosts.length).toBeGreaterThan(0);
        expect(sol.map((f) => `${f.account}/${f.vm}`)).toEqual(hosts);
        for (const f of sol) {
            const vm = vmOf(f.account, f.vm);
            const doc = parse(f.content) as Record<string, unknown>;
            const volume = vm.blockVolumes.find((v) => v.for.includes("solana-validator"))!;
            expect(doc).toMatchObject({
                "rpc-bind-address": vm.privateIp,
                "rpc-port": 8899,
                "dynamic-port-range": "8000-8020",
                ledger: volume.mountPath,
                identity: "/solana/config/validator-keypair.json",
                "limit-ledger-size": SOLANA_MIN_LEDGER_SHREDS,
            });
            expect(f.secretRefs).toEqual([]);
            expect([f.mode, f.owner, f.group]).toEqual(["0600", "solana", "solana"]);
        }
    });

    if (!hasPyYaml && IN_CI) it("python3-yaml is installed (CI=true)", () => expect.fail("apt-get install -y python3-yaml (or: bash .ci/install-checkers.sh)"));
    it.runIf(hasPyYaml)("passes its validate command, which fails on broken YAML and on nested values", async () => {
        for (const f of sol) {
            const ok = await validateCopy(f.validate!, f.path, f.content);
            expect(ok.status, ok.stdout).toBe(0);
        }
        const f = sol[0];
        expect((await validateCopy(f.validate!, f.path, f.content.replace("rpc-port: 8899", "rpc-port: [8899"))).status).not.toBe(0);
        expect((await validateCopy(f.validate!, f.path, f.content.replace("rpc-port: 8899", "rpc-port: { port: 8899 }"))).status).not.toBe(0);
        expect((await validateCopy(f.validate!, f.path, f.content.replace("rpc-port: 8899", "Rpc Port: 8899"))).status).not.toBe(0);
    });
});

describe("Wazuh manager", () => {
    const ossec = filesAt("/var/ossec/etc/ossec.conf");

    it("listens for agents and enrollment on the catalogue ports at the plan IP and reads the co-located services' logs", () => {
        const hosts = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "wazuh-manager")).map((v) => `${a.name}/${v.name}`));
        expect(ossec.map((f) => `${f.account}/${f.vm}`)).toEqual(hosts);
        for (const f of ossec) {
            const vm = vmOf(f.account, f.vm);
            const placement = vm.services.find((s) => s.service === "wazuh-manager")!;
            const remote = /<remote>([\s\S]*?)<\/remote>/.exec(f.content)![1];
            expect(remote).toContain(`<port>${placement.ports.find((p) => p.name === "agents")!.port}</port>`);
            expect(remote).toContain(`<local_ip>${vm.privateIp}</local_ip>`);
            expect(/<auth>[\s\S]*?<port>(\d+)<\/port>/.exec(f.content)![1]).toBe(String(placement.ports.find((p) => p.name === "enrollment")!.port));
            const logs = vm.services.filter((s) => s.service !== "wazuh-manager").flatMap((s) => s.def.logrotate?.paths ?? []);
            expect(logs.length).toBeGreaterThan(0);
            for (const l of logs) expect(f.content).toContain(`<location>${l}</location>`);
            expect(f.secretRefs).toEqual([]);
        }
    });
});

describe("Argo CD argocd-cm", () => {
    const cm = filesAt("/etc/argocd/argocd-cm.yaml");

    it("is the argocd-cm ConfigMap with its URL on the plan IP and catalogue port and the fastify-websocket targets", () => {
        const hosts = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "argocd")).map((v) => `${a.name}/${v.name}`));
        expect(cm.map((f) => `${f.account}/${f.vm}`)).toEqual(hosts);
        const fastifyWs = plan.accounts.flatMap((a) => a.vms.flatMap((v) => v.services.filter((s) => s.service === "fastify").map((s) => `${v.privateIp}:${s.ports.find((p) => p.name === "ws")!.port}`)));
        expect(fastifyWs.length).toBeGreaterThan(0);
        for (const f of cm) {
            const vm = vmOf(f.account, f.vm);
            const doc = parse(f.content) as { kind: string; metadata: { name: string; annotations: Record<string, string> }; data: Record<string, unknown> };
            expect([doc.kind, doc.metadata.name]).toEqual(["ConfigMap", "argocd-cm"]);
            expect(doc.data.url).toBe(`http://${vm.privateIp}:${vm.services.find((s) => s.service === "argocd")!.ports.find((p) => p.name === "http")!.port}`);
            for (const v of Object.values(doc.data)) expect(typeof v).toBe("string");
            expect(doc.metadata.annotations["blitzhub.io/applications"].split(",")).toContain("fastify-websocket");
            expect(doc.metadata.annotations["blitzhub.io/fastify-websocket-targets"].split(",")).toEqual(fastifyWs);
            expect(f.secretRefs).toEqual([]);
        }
    });
});
