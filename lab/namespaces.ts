/**
 * The lab's network: one network namespace per VM carrying its plan IP, all joined by a bridge
 * that lives in a namespace of its own. Nothing is created in, or routed to, the host's network:
 * veth pairs are made inside the bridge's namespace and one end is moved straight into the VM's.
 */
import { execFileSync } from "node:child_process";

/** A VM's network identity in the lab. */
export interface LabHost {
    /** Namespace name (`<prefix>-<n>`, unique per lab run). */
    netns: string;
    /** Plan IP (or a lab address for the lab's own client hosts). */
    ip: string;
    /** Prefix length of the one flat lab network (the VCNs' /16). */
    prefix: number;
}

function ip(args: string[]): void {
    execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** The bridge namespace and every host's namespace, made once and removed by `destroy`. */
export class LabNetwork {
    readonly bridgeNetns: string;
    private readonly made: string[] = [];
    private count = 0;

    constructor(readonly prefix: string) {
        this.bridgeNetns = `${prefix}-br`;
    }

    create(): void {
        ip(["netns", "add", this.bridgeNetns]);
        this.made.push(this.bridgeNetns);
        ip(["-n", this.bridgeNetns, "link", "add", "br0", "type", "bridge"]);
        ip(["-n", this.bridgeNetns, "link", "set", "br0", "up"]);
    }

    /** A namespace with `address/prefix` on eth0, wired to the bridge; loopback up. */
    addHost(address: string, prefix = 16): LabHost {
        const n = this.count++;
        const netns = `${this.prefix}-${n}`;
        ip(["netns", "add", netns]);
        this.made.push(netns);
        ip(["-n", this.bridgeNetns, "link", "add", `v${n}`, "type", "veth", "peer", "name", "eth0", "netns", netns]);
        ip(["-n", this.bridgeNetns, "link", "set", `v${n}`, "master", "br0", "up"]);
        ip(["-n", netns, "addr", "add", `${address}/${prefix}`, "dev", "eth0"]);
        ip(["-n", netns, "link", "set", "eth0", "up"]);
        ip(["-n", netns, "link", "set", "lo", "up"]);
        return { netns, ip: address, prefix };
    }

    /** Adds another address of the lab network to a host (a VM with several plan IPs). */
    addAddress(host: LabHost, address: string): void {
        ip(["-n", host.netns, "addr", "add", `${address}/${host.prefix}`, "dev", "eth0"]);
    }

    /** Deletes every namespace this lab made (their veths go with them). Safe to call twice. */
    destroy(): void {
        for (const netns of this.made.splice(0).reverse()) {
            try {
                ip(["netns", "del", netns]);
            } catch {
                // already gone
            }
        }
    }
}
