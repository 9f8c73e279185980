/** WireGuard, CrowdSec, Solana validator, Wazuh, Argo CD and React files: plan addresses and ports, placeholders for secrets. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { containsAddress, overlaps, parseNetwork } from "../../model/cidr";
import { SOLANA_MIN_LEDGER_SHREDS } from "../../render/solanaValidator";
import { renderWireguard, WIREGUARD_TUNNEL_SPACE } from "../../render/wireguard";
import { euRenderOptions, IN_CI, realPlan } from "./fixtures";
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
            expect(f.content).toContain(vmOf(f.account, f.vm).privateIp);
            expect(f.mode).toBe("0600");
            // The tunnel's SSH and forwarding live in the host firewall, which survives its own reloads;
            // nothing is masqueraded: the operators' addresses are routed (test/render/tunnelForwarding.test.ts runs it).
            const tunnelCidr = `${address!.split(".").slice(0, 3).join(".")}.0/24`;
            const nft = files.find((x) => x.account === f.account && x.vm === f.vm && x.path === "/etc/nftables.conf")!.content;
            expect(nft).toContain(`iifname "wg0" ip saddr ${tunnelCidr} tcp dport 22 accept`);
            expect(nft).toContain(`iifname "wg0" ip saddr ${tunnelCidr} ip daddr ${plan.addressSpace} ct state new log prefix "blitzhub-wg-forward: " level info`);
            expect(nft).toContain(`iifname "wg0" ip saddr ${tunnelCidr} ip daddr ${plan.addressSpace} accept`);
            expect(nft).not.toMatch(/masquerade|\bsnat\b|type nat/);
        }
        expect(subnets.size).toBe(wg.length);
    });

    it("holds no private key: the bastion's own key file is set at PostUp, and nothing is secret", () => {
        for (const f of wg) {
            expect(f.content).not.toMatch(/^PrivateKey/m);
            expect(f.content).toMatch(/^PostUp = wg set %i private-key \/etc\/wireguard\/wg0\.key$/m);
            expect(f.secretRefs).toEqual([]);
        }
    });

    it("admits every peer of the stack config at its host number in the bastion's own tunnel", () => {
        const peers = euRenderOptions().wireguardPeers!;
        expect(peers.length).toBeGreaterThan(0);
        for (const f of wg) {
            const prefix = /^Address = (\d+\.\d+\.\d+)\.1\/24$/m.exec(f.content)![1];
            const blocks = f.content.split("[Peer]").slice(1);
            expect(blocks.length, f.vm).toBe(peers.length);
            peers.forEach((peer, i) => {
                expect(blocks[i]).toContain(`# ${peer.name}`);
                expect(blocks[i]).toMatch(new RegExp(`^PublicKey = ${peer.publicKey.replace(/[+/=]/g, "\\$&")}$`, "m"));
                expect(blocks[i]).toMatch(new RegExp(`^AllowedIPs = ${prefix.replace(/\./g, "\\.")}\\.${peer.host}/32$`, "m"));
            });
        }
    });

    it("applies a delivered change without taking the tunnel down (delivery runs through it)", () => {
        for (const f of wg) {
            // A config without PrivateKey would set an all-zero key: the host's key goes in with it.
            expect(f.reload).toContain(`wg syncconf wg0 <(printf '[Interface]\\nPrivateKey = %s\\n' "$(cat /etc/wireguard/wg0.key)"; wg-quick strip wg0)`);
            expect(f.reload).toMatch(/^if wg show wg0 .*; else systemctl restart wg-quick@wg0; fi$/);
            expect(spawnSync("bash", ["-n"], { input: f.reload }).status).toBe(0);
        }
    });

    it("without peers renders a valid config that says how to add them", () => {
        const account = plan.accounts.find((a) => a.name === wg[0].account)!;
        const vm = account.vms.find((v) => v.name === wg[0].vm)!;
        const placement = vm.services.find((s) => s.service === "wireguard")!;
        const [bare] = renderWireguard({ plan, account, vm, placement, options: {} });
        expect(bare.content).not.toContain("[Peer]");
        expect(bare.content).toContain("blitzhub:wireguardPeers");
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

describe("React frontend build inputs", () => {
    const reactFiles = files.filter((f) => f.service === "react");
    const byVm = new Map<string, typeof reactFiles>();
    for (const f of reactFiles) byVm.set(`${f.account}/${f.vm}`, [...(byVm.get(`${f.account}/${f.vm}`) ?? []), f]);

    it("renders the three spec files on every React VM: React 18.3.0 pinned, the backend's WebSocket protocol, preview on the plan IP, Fastify by plan IP", () => {
        const hosts = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "react")).map((v) => `${a.name}/${v.name}`));
        expect([...byVm.keys()]).toEqual(hosts);
        for (const [key, vmFiles] of byVm) {
            expect(vmFiles.map((f) => f.path)).toEqual(["/app/frontend/package.json", "/app/frontend/vite.config.js", "/app/frontend/src/services/websocket.js"]);
            const [account, name] = key.split("/");
            const vm = vmOf(account, name);
            const pkg = JSON.parse(vmFiles[0].content) as { type: string; dependencies: Record<string, string> };
            expect(pkg.type).toBe("module");
            expect(pkg.dependencies.react).toBe("18.3.0");
            expect(pkg.dependencies["react-dom"]).toBe("18.3.0");
            // The browser's WebSocket, not Socket.IO: the backend speaks plain WebSocket (issue #10, failure 9).
            expect(pkg.dependencies["socket.io-client"]).toBeUndefined();
            const fastify = vm.services.find((s) => s.service === "react")!.dependencies.find((d) => d.service === "fastify")!.targets[0];
            const vite = vmFiles[1].content;
            expect(vite).toContain(`host: "${vm.privateIp}"`);
            expect(vite).toContain("port: 4173");
            expect(vite).toContain(`"http://${fastify.ip}:3000"`);
            expect(vite).toContain(`"ws://${fastify.ip}:3001"`);
            expect(vite).toMatch(/"import\.meta\.env\.VITE_API_URL"/);
            expect(vite).toMatch(/"import\.meta\.env\.VITE_WS_URL"/);
            expect(vmFiles[2].content).not.toMatch(/^import /m);
            expect(vmFiles[2].content).toMatch(/new WebSocket\(url\(\)\)/);
            for (const f of vmFiles) expect(f.secretRefs).toEqual([]);
        }
    });

    /** Lays the three files out under a temp root and runs their validate command there. */
    async function validateTree(contents: Map<string, string>, validate: string): Promise<{ status: number; stdout: string }> {
        const dir = mkdtempSync(join(tmpdir(), "blitzhub-frontend-"));
        try {
            for (const [path, content] of contents) {
                mkdirSync(dirname(join(dir, path)), { recursive: true });
                writeFileSync(join(dir, path), content);
            }
            expect(validate).toContain("/app/frontend");
            return await run("sh", ["-c", validate.split("/app/frontend").join(join(dir, "app/frontend"))]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }

    it("passes its validate command (node --check, JSON), which fails on broken JSON or JavaScript", async () => {
        const [, vmFiles] = [...byVm.entries()][0];
        const contents = new Map(vmFiles.map((f) => [f.path, f.content]));
        const validate = vmFiles[0].validate!;
        expect(vmFiles.every((f) => f.validate === validate)).toBe(true);
        const ok = await validateTree(contents, validate);
        expect(ok.status, ok.stdout).toBe(0);
        const brokenJson = new Map(contents).set("/app/frontend/package.json", contents.get("/app/frontend/package.json")!.replace('"private": true,', '"private": true,,'));
        expect((await validateTree(brokenJson, validate)).status).not.toBe(0);
        const brokenJs = new Map(contents).set("/app/frontend/src/services/websocket.js", contents.get("/app/frontend/src/services/websocket.js")!.replace("export function disconnect() {", "export function disconnect( {"));
        expect((await validateTree(brokenJs, validate)).status).not.toBe(0);
        // ES module syntax: the same file fails as CommonJS, so the "type": "module" package.json is what makes it parse.
        const commonJs = new Map(contents).set("/app/frontend/package.json", contents.get("/app/frontend/package.json")!.replace('"type": "module",', '"type": "commonjs",'));
        expect((await validateTree(commonJs, validate)).status).not.toBe(0);
    });
});
