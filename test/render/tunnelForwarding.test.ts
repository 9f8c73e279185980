/**
 * The bastion forwards an operator's connection with the operator's own tunnel address, run for
 * real in network namespaces: an "operator" at 172.29.0.2 connects through a "bastion" running
 * its rendered /etc/nftables.conf (forwarding on) to a "VM" running its own rendered host
 * firewall, and the VM's listener reports the peer address it saw. The VM reaches the tunnel
 * space only through the bastion (the route the VCNs and DRGs carry, plan/tunnelRoutes.ts):
 * without that route the connection fails, as it would with no masquerade and no route.
 *
 * There is no WireGuard kernel module here (`ip link add type wireguard` fails), so a veth named
 * `wg0` on the bastion stands in for the tunnel: the ruleset matches on the interface's name.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNetwork } from "../../model/cidr";
import { bastionVms } from "../../plan/bastions";
import { tunnelRouting } from "../../plan/tunnelRoutes";
import { IN_CI, realPlan } from "./fixtures";
import { hasBinary } from "./sandbox";

const ready = process.getuid?.() === 0 && hasBinary("ip") && hasBinary("nft") && spawnSync("ip", ["netns", "list"]).status === 0;

/** Connects from a namespace to `host:port` and prints the first line the server sends, or `refused`/`timeout`. */
const CLIENT = `
const net = require("node:net");
const [host, port] = process.argv.slice(1);
const socket = net.connect({ host, port: Number(port) });
socket.setTimeout(2000, () => { console.log("timeout"); process.exit(0); });
socket.on("data", (d) => { console.log(String(d).trim()); process.exit(0); });
socket.on("error", (e) => { console.log(e.code === "ECONNREFUSED" ? "refused" : e.code); process.exit(0); });
`;
/** Listens on every given port of the VM's address and tells each client the address it came from. */
const SERVER = `
const net = require("node:net");
const [address, ...ports] = process.argv.slice(1);
let listening = 0;
for (const port of ports) {
    net.createServer((s) => s.end("peer " + s.remoteAddress + "\\n")).listen(Number(port), address, () => {
        if (++listening === ports.length) console.log("listening");
    });
}
`;

describe("operators' tunnel traffic through a bastion, routed, not masqueraded (network namespaces)", () => {
    if (!ready && IN_CI) it("runs as root with ip and nft (CI=true)", () => expect.fail("the tunnel forwarding test needs root, iproute2 and nftables"));
    if (!ready) return;

    const { plan, files } = realPlan();
    const routing = tunnelRouting(plan);
    const bastion = bastionVms(plan.accounts)[0];
    const tunnel = routing.bastions[0];
    // A VM of another account (reached across the DRGs in the cloud) that also admits another port from other hosts.
    const { account: target, vm } = plan.accounts
        .filter((a) => a.name !== bastion.account.name)
        .flatMap((account) => account.vms.map((v) => ({ account, vm: v })))
        .find(({ vm: v }) => v.firewall.some((r) => r.port === 9100 && r.protocol === "tcp"))!;
    const ruleset = (account: string, name: string) => files.find((f) => f.account === account && f.vm === name && f.path === "/etc/nftables.conf")!.content;
    const bastionRules = ruleset(bastion.account.name, bastion.vm.name);
    const vmRules = ruleset(target.name, vm.name);
    const prefix = parseNetwork(plan.addressSpace).prefix;
    const operatorIp = "172.29.0.2";
    const ns = { operator: `bhtun${process.pid}-op`, bastion: `bhtun${process.pid}-bastion`, vm: `bhtun${process.pid}-vm` };
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-tunnel-"));
    let server: ChildProcess | undefined;

    const run = (netns: string | undefined, args: string[]) => execFileSync(netns ? "ip" : args[0], netns ? ["netns", "exec", netns, ...args] : args.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const connect = (port: number) => run(ns.operator, [process.execPath, "-e", CLIENT, vm.privateIp, String(port)]).trim();

    beforeAll(async () => {
        for (const name of Object.values(ns)) run(undefined, ["ip", "netns", "add", name]);
        // operator ── wg0 (bastion) ── eth0 (bastion) ── eth0 (VM)
        run(undefined, ["ip", "-n", ns.operator, "link", "add", "tun0", "type", "veth", "peer", "name", "wg0", "netns", ns.bastion]);
        run(undefined, ["ip", "-n", ns.bastion, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", ns.vm]);
        const address = (netns: string, dev: string, cidr: string) => {
            run(undefined, ["ip", "-n", netns, "addr", "add", cidr, "dev", dev]);
            run(undefined, ["ip", "-n", netns, "link", "set", dev, "up"]);
            run(undefined, ["ip", "-n", netns, "link", "set", "lo", "up"]);
        };
        address(ns.operator, "tun0", `${operatorIp}/24`);
        address(ns.bastion, "wg0", `${tunnel.cidr.replace(/0\/24$/, "1")}/24`);
        address(ns.bastion, "eth0", `${tunnel.privateIp}/${prefix}`);
        address(ns.vm, "eth0", `${vm.privateIp}/${prefix}`);
        // The operator's client routes the address space into the tunnel (wg0.conf's AllowedIPs on their side).
        run(undefined, ["ip", "-n", ns.operator, "route", "add", plan.addressSpace, "via", tunnel.cidr.replace(/0\/24$/, "1")]);
        // The VCN and DRG routes, collapsed: the tunnel space goes to the bastion's private IP.
        run(undefined, ["ip", "-n", ns.vm, "route", "add", routing.tunnelSpace, "via", tunnel.privateIp]);
        run(ns.bastion, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
        writeFileSync(join(dir, "bastion.nft"), bastionRules);
        writeFileSync(join(dir, "vm.nft"), vmRules);
        run(ns.bastion, ["nft", "-f", join(dir, "bastion.nft")]);
        run(ns.vm, ["nft", "-f", join(dir, "vm.nft")]);
        server = spawn("ip", ["netns", "exec", ns.vm, process.execPath, "-e", SERVER, vm.privateIp, "22", "9100"], { stdio: ["ignore", "pipe", "inherit"] });
        await new Promise<void>((resolve, reject) => {
            server!.stdout!.on("data", (d) => String(d).includes("listening") && resolve());
            server!.on("exit", (code) => reject(new Error(`listener exited with ${code}`)));
        });
    });

    afterAll(() => {
        server?.kill();
        for (const name of Object.values(ns)) spawnSync("ip", ["netns", "delete", name]);
        rmSync(dir, { recursive: true, force: true });
    });

    it("loads the rendered rulesets: the bastion forwards and logs, and masquerades nothing", () => {
        expect(run(ns.bastion, ["nft", "list", "ruleset"])).not.toMatch(/masquerade|\bsnat\b|type nat/);
        expect(run(ns.bastion, ["nft", "list", "chain", "inet", "blitzhub", "forward"])).toContain('log prefix "blitzhub-wg-forward: "');
        expect(run(ns.vm, ["nft", "list", "chain", "inet", "blitzhub", "input"])).toContain(routing.tunnelSpace);
    });

    it("the VM sees the operator's own tunnel address on SSH", () => {
        expect(connect(22)).toBe(`peer ${operatorIp}`);
    });

    it("only SSH: a port the VM admits from other hosts only stays closed to the operator", () => {
        expect(vmRules).toMatch(/tcp dport 9100 accept/);
        expect(connect(9100)).toBe("timeout");
    });

    it("without the route back to the bastion the connection fails", () => {
        run(undefined, ["ip", "-n", ns.vm, "route", "del", routing.tunnelSpace]);
        try {
            expect(connect(22)).not.toMatch(/^peer /);
        } finally {
            run(undefined, ["ip", "-n", ns.vm, "route", "add", routing.tunnelSpace, "via", tunnel.privateIp]);
        }
        expect(connect(22)).toBe(`peer ${operatorIp}`);
    });
});
