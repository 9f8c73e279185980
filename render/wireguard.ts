/**
 * WireGuard on the MGMT bastions (`/etc/wireguard/wg0.conf`): the operator VPN entry. Each
 * bastion serves its own /24 of `WIREGUARD_TUNNEL_SPACE` to the peers of the stack config, and
 * its host firewall admits SSH from the tunnel and forwards tunnel traffic into the plan's
 * address space unchanged: the VMs see the operator's own tunnel address (their SSH rules admit
 * the tunnel space, and the VCNs and DRGs route it back through the bastion, plan/tunnelRoutes.ts).
 * The bastion's private key is made on the host at first boot (cloud-init), never here.
 */
import { wireguardTunnel } from "../plan/tunnelRoutes";
import { WIREGUARD_SERVICE, wireguardPortOf } from "../plan/bastions";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import type { FirewallWireguard } from "./firewall";
import { instancesOf, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

// The tunnel space and each bastion's /24 are the plan's (the routes to them are computed there too).
export { WIREGUARD_TUNNEL_SPACE, wireguardTunnel } from "../plan/tunnelRoutes";

/** Parses (interface name rule, booleans) and lists the keys `wg setconf` would get; any key wg(8) does not know fails the check. */
export const WIREGUARD_VALIDATE =
    "s=$(wg-quick strip /etc/wireguard/wg0.conf) && ! printf '%s\\n' \"$s\" | " +
    "grep -viE '^[[:space:]]*(#.*|\\[(Interface|Peer)\\]|(PrivateKey|ListenPort|FwMark|PublicKey|PresharedKey|AllowedIPs|Endpoint|PersistentKeepalive)[[:space:]]*=.*)?$'";

/** The tunnel's interface on every bastion (`wg-quick@wg0`). */
export const WIREGUARD_INTERFACE = "wg0";

/** Where the bastion keeps its private key: generated there at first boot, never rendered. */
export const WIREGUARD_KEY_FILE = "/etc/wireguard/wg0.key";
/** Its public half, written beside it at first boot (what operators put in their client config). */
export const WIREGUARD_PUBLIC_KEY_FILE = "/etc/wireguard/wg0.pub";

/**
 * Applies a delivered wg0.conf without taking the tunnel down (config delivery to the bastions
 * runs through it): `wg syncconf` changes only what differs. The host's key goes in with the
 * config, since a config without one would set an all-zero key and drop every session. When
 * the interface is not up, it is started.
 */
export const WIREGUARD_RELOAD =
    `if wg show ${WIREGUARD_INTERFACE} >/dev/null 2>&1; then ` +
    `wg syncconf ${WIREGUARD_INTERFACE} <(printf '[Interface]\\nPrivateKey = %s\\n' "$(cat ${WIREGUARD_KEY_FILE})"; wg-quick strip ${WIREGUARD_INTERFACE}); ` +
    `else systemctl restart wg-quick@${WIREGUARD_INTERFACE}; fi`;

/** The tunnel of `vm`, undefined when it runs no WireGuard. */
function tunnelOf(plan: TopologyPlan, account: AccountPlan, vm: VmPlan): ReturnType<typeof wireguardTunnel> | undefined {
    const index = instancesOf(plan, "wireguard").findIndex((i) => i.account.name === account.name && i.vm.name === vm.name);
    return index < 0 ? undefined : wireguardTunnel(index, plan.addressSpace);
}

/** The host-firewall part of WireGuard on `vm`: undefined when it runs no WireGuard. */
export function wireguardFirewall(plan: TopologyPlan, account: AccountPlan, vm: VmPlan): FirewallWireguard | undefined {
    const tunnel = tunnelOf(plan, account, vm);
    const placement = vm.services.find((s) => s.service === WIREGUARD_SERVICE);
    return tunnel && placement && { interface: WIREGUARD_INTERFACE, tunnelCidr: tunnel.cidr, addressSpace: plan.addressSpace, listenPort: wireguardPortOf(placement, `${account.name}/${vm.name}`).port };
}

export function renderWireguard(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const port = wireguardPortOf(placement, label);
    const tunnel = tunnelOf(plan, account, vm);
    if (!tunnel) throw new Error(`${label} wireguard: not a WireGuard host in the plan`);
    const peers = (ctx.options.wireguardPeers ?? []).map((p) => ({ name: p.name, publicKey: p.publicKey, allowedIp: tunnel.peerAddress(p.host) }));
    return [
        {
            path: "/etc/wireguard/wg0.conf",
            content: renderTemplate("wireguard/wg0.conf.hbs", {
                vmLabel: label,
                version: placement.def.version,
                tunnelCidr: tunnel.cidr,
                address: tunnel.address,
                listenPort: port.port,
                keyFile: WIREGUARD_KEY_FILE,
                addressSpace: plan.addressSpace,
                bastionIp: vm.privateIp,
                peers,
            }),
            mode: "0600",
            validate: WIREGUARD_VALIDATE,
            reload: WIREGUARD_RELOAD,
        },
    ];
}
