/**
 * WireGuard on the MGMT bastions (`/etc/wireguard/wg0.conf`): the operator VPN entry. Each
 * bastion serves its own /24 of `WIREGUARD_TUNNEL_SPACE`, and its PostUp forwards and
 * masquerades tunnel traffic into the plan's address space, so the VMs see the bastion's
 * private IP (the one their SSH rules admit).
 */
import { overlaps, parseNetwork, sliceOf, addressAt } from "../plan/cidr";
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Tunnel addresses of all bastions: outside every VCN (the plan's address space must not overlap it). */
export const WIREGUARD_TUNNEL_SPACE = "172.29.0.0/16";

/** Parses (interface name rule, booleans) and lists the keys `wg setconf` would get; any key wg(8) does not know fails the check. */
export const WIREGUARD_VALIDATE =
    "s=$(wg-quick strip /etc/wireguard/wg0.conf) && ! printf '%s\\n' \"$s\" | " +
    "grep -viE '^[[:space:]]*(#.*|\\[(Interface|Peer)\\]|(PrivateKey|ListenPort|FwMark|PublicKey|PresharedKey|AllowedIPs|Endpoint|PersistentKeepalive)[[:space:]]*=.*)?$'";

/** The tunnel /24 of the `index`-th bastion (plan order across all accounts) and the bastion's address in it. */
export function wireguardTunnel(index: number, addressSpace: string): { cidr: string; address: string } {
    const space = parseNetwork(WIREGUARD_TUNNEL_SPACE);
    if (overlaps(space, parseNetwork(addressSpace))) {
        throw new Error(`WireGuard tunnel space ${WIREGUARD_TUNNEL_SPACE} overlaps the address space ${addressSpace}`);
    }
    const net = sliceOf(space, 24, index);
    return { cidr: net.cidr, address: `${addressAt(net, 1)}/24` };
}

export function renderWireguard(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const port = requirePort(placement, `${label} wireguard`, "wireguard");
    const key = placement.def.secrets.find((s) => /private_key/.test(s.path));
    if (!key) throw new Error(`${label} wireguard: the catalogue declares no private key secret`);
    const index = instancesOf(plan, "wireguard").findIndex((i) => i.account.name === account.name && i.vm.name === vm.name);
    const tunnel = wireguardTunnel(index, plan.addressSpace);
    return [
        {
            path: "/etc/wireguard/wg0.conf",
            content: renderTemplate("wireguard/wg0.conf.hbs", {
                vmLabel: label,
                version: placement.def.version,
                tunnelCidr: tunnel.cidr,
                address: tunnel.address,
                listenPort: port.port,
                privateKeySecret: key.path,
                addressSpace: plan.addressSpace,
                bastionIp: vm.privateIp,
            }),
            mode: "0600",
            validate: WIREGUARD_VALIDATE,
            reload: "systemctl restart wg-quick@wg0",
        },
    ];
}
