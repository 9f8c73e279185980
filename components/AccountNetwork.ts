/**
 * The private network of one tenancy: its VCN, subnets, gateways, route tables, the default
 * security list locked down, one NSG per firewall target with the plan's rules, and the VCN's
 * attachment to its DRG (its own for a hub, the region hub's, cross-tenancy, otherwise).
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { EgressRule, FirewallRule, FirewallTarget, SubnetName } from "../plan/types";
import type { PlacedKind } from "../plan/securityBaseline";
import type { TunnelRoute } from "../plan/tunnelRoutes";
import { type AccountContext, childOptions, compartmentFor, invokeOptions } from "./accountContext";

export interface AccountNetworkArgs {
    ctx: AccountContext;
    /** The whole private address space (`10.0.0.0/16`): routed to the DRG. */
    addressSpace: string;
    /** Further routes of every subnet route table (plan/tunnelRoutes.ts: the operators' tunnel space via the DRG). */
    tunnelRoutes?: TunnelRoute[];
    /**
     * The bastions' VCN (plan/tunnelRoutes.ts `attachmentIngress`): the DRG attachment takes the
     * VCN's default route table as its ingress (transit) table, and the subnets' route tables are
     * swapped after the bastions exist, so the subnets ignore `routeTableId` (`BastionRoutes`).
     */
    bastionTransit?: boolean;
    /** DRG the VCN attaches to: the account's own (hubs) or its region hub's (cross-tenancy). */
    drgId: pulumi.Input<string>;
    /** Whether `drgId` belongs to another tenancy (cross-tenancy attachment). */
    crossTenancyAttachment: boolean;
    /** IAM policies the attachment needs first (Endorse here, Admit in the hub's tenancy). */
    attachmentDependsOn: pulumi.Resource[];
}

/** DNS label of a VCN: letters and digits, at most 15 characters (`eufe01`). */
export function vcnDnsLabel(slug: string): string {
    return slug.replace(/[^a-z0-9]/g, "").slice(0, 15);
}

/** Key of the NSG of a firewall target in `AccountNetwork.nsgs`: `vm:<name>`, `lb`, `nlb` (not the plan's rule-key prefix). */
export function nsgKey(target: FirewallTarget): string {
    return target.kind === "vm" ? `vm:${target.vm}` : target.kind;
}

/** IANA protocol number as OCI wants it. */
export const PROTOCOL_NUMBER = { tcp: "6", udp: "17", all: "all" } as const;

export class AccountNetwork extends pulumi.ComponentResource {
    readonly vcn: oci.core.Vcn;
    readonly subnets: Partial<Record<SubnetName, oci.core.Subnet>>;
    /** NSG per firewall target (`vm:<name>`, `lb`, `nlb`). */
    readonly nsgs: Record<string, oci.core.NetworkSecurityGroup>;
    readonly natGateway?: oci.core.NatGateway;
    readonly drgAttachment: oci.core.DrgAttachment;
    /** The rules of the public and private route tables, for a table that extends them (`BastionRoutes`). */
    readonly routeRules: { public?: pulumi.Input<oci.types.input.Core.RouteTableRouteRule>[]; private?: pulumi.Input<oci.types.input.Core.RouteTableRouteRule>[] } = {};

    constructor(name: string, args: AccountNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:network:AccountNetwork", name, {}, opts);
        const { ctx } = args;
        const { plan } = ctx;
        const slug = plan.slug;
        const base = (kind: PlacedKind) => ({ compartmentId: compartmentFor(ctx, kind), freeformTags: ctx.tags });
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

        this.vcn = new oci.core.Vcn(`${slug}-vcn`, {
            ...base("vcn"),
            cidrBlocks: [plan.vcnCidr],
            displayName: `${slug}-vcn`,
            dnsLabel: vcnDnsLabel(slug),
        }, o());
        const vcnId = this.vcn.id;

        // The default security list of a new VCN opens 22 to 0.0.0.0/0: take it over, empty.
        const defaultSecurityList = new oci.core.DefaultSecurityList(`${slug}-default-security-list`, {
            ...base("securityList"),
            manageDefaultResourceId: this.vcn.defaultSecurityListId,
            displayName: `${slug}-default-security-list`,
            ingressSecurityRules: [],
            egressSecurityRules: [],
        }, o());

        const hasPublic = plan.subnets.some((s) => s.public);
        const hasPrivate = plan.subnets.some((s) => !s.public);

        const internetGateway = hasPublic
            ? new oci.core.InternetGateway(`${slug}-internet-gateway`, {
                  ...base("gateway"), vcnId, enabled: true, displayName: `${slug}-internet-gateway`,
              }, o())
            : undefined;
        this.natGateway = hasPrivate
            ? new oci.core.NatGateway(`${slug}-nat-gateway`, { ...base("gateway"), vcnId, displayName: `${slug}-nat-gateway` }, o())
            : undefined;
        const osn = hasPrivate
            ? oci.core.getServicesOutput(
                  { filters: [{ name: "name", values: ["All .* Services In Oracle Services Network"], regex: true }] },
                  invokeOptions(this, ctx),
              ).services.apply((services) => {
                  const service = services[0];
                  if (!service) throw new pulumi.ResourceError(`${plan.name}: no 'All Services In Oracle Services Network' entry in this region`, this);
                  return { id: service.id, cidrBlock: service.cidrBlock };
              })
            : undefined;
        const serviceGateway = osn
            ? new oci.core.ServiceGateway(`${slug}-service-gateway`, {
                  ...base("gateway"), vcnId, displayName: `${slug}-service-gateway`, services: [{ serviceId: osn.id }],
              }, o())
            : undefined;

        this.drgAttachment = new oci.core.DrgAttachment(`${slug}-drg-attachment`, {
            drgId: args.drgId,
            displayName: args.crossTenancyAttachment ? `${slug}-vcn-to-${plan.regionHub.toLowerCase()}-drg` : `${slug}-vcn`,
            // The default route table exists with the VCN, before the bastions whose private IPs its
            // rules name: the one VCN route table the attachment can take without a dependency cycle.
            networkDetails: { type: "VCN", id: vcnId, ...(args.bastionTransit ? { routeTableId: this.vcn.defaultRouteTableId } : {}) },
            freeformTags: ctx.tags,
        }, o({ dependsOn: args.attachmentDependsOn }));

        const toDrg: oci.types.input.Core.RouteTableRouteRule = {
            destination: args.addressSpace,
            destinationType: "CIDR_BLOCK",
            networkEntityId: args.drgId,
            description: "BlitzHub private address space via the DRG",
        };
        const tunnelRules = (args.tunnelRoutes ?? []).map((route): oci.types.input.Core.RouteTableRouteRule => {
            // A bastion's private IP as next hop needs that VM, which needs these subnets: `BastionRoutes` adds those.
            if (route.nextHop.kind !== "drg") throw new pulumi.ResourceError(`${slug}: tunnel route to ${route.destination} via ${route.nextHop.kind} is not a VCN-to-DRG route`, this);
            return { destination: route.destination, destinationType: "CIDR_BLOCK", networkEntityId: args.drgId, description: route.reason };
        });
        const routeOptions = o({ dependsOn: [this.drgAttachment] });
        if (internetGateway) {
            this.routeRules.public = [
                toDrg,
                { destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", networkEntityId: internetGateway.id, description: "internet" },
                // Last, so existing rules keep their places (an update that only appends).
                ...tunnelRules,
            ];
        }
        if (this.natGateway && serviceGateway && osn) {
            this.routeRules.private = [
                toDrg,
                { destination: osn.cidrBlock, destinationType: "SERVICE_CIDR_BLOCK", networkEntityId: serviceGateway.id, description: "Oracle Services Network" },
                { destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", networkEntityId: this.natGateway.id, description: "egress through NAT" },
                ...tunnelRules,
            ];
        }
        const publicRouteTable = this.routeRules.public
            ? new oci.core.RouteTable(`${slug}-public-route-table`, {
                  ...base("routeTable"), vcnId, displayName: `${slug}-public-route-table`, routeRules: this.routeRules.public,
              }, routeOptions)
            : undefined;
        const privateRouteTable = this.routeRules.private
            ? new oci.core.RouteTable(`${slug}-private-route-table`, {
                  ...base("routeTable"), vcnId, displayName: `${slug}-private-route-table`, routeRules: this.routeRules.private,
              }, routeOptions)
            : undefined;

        this.subnets = {};
        for (const subnet of plan.subnets) {
            const routeTable = subnet.public ? publicRouteTable : privateRouteTable;
            // `-subnet`: the plan's `eu-fe-01-lb` is also the load balancer's name.
            this.subnets[subnet.name] = new oci.core.Subnet(`${subnet.resourceName}-subnet`, {
                ...base("subnet"),
                vcnId,
                cidrBlock: subnet.cidr,
                displayName: `${subnet.resourceName}-subnet`,
                dnsLabel: subnet.dnsLabel,
                prohibitPublicIpOnVnic: !subnet.public,
                prohibitInternetIngress: !subnet.public,
                routeTableId: routeTable!.id,
                securityListIds: [defaultSecurityList.id],
                // The bastions' VCN: a RouteTableAttachment gives the subnet its table once the bastions exist.
            }, o(args.bastionTransit ? { ignoreChanges: ["routeTableId"] } : {}));
        }

        this.nsgs = {};
        const nsgName = (key: string) => (key.startsWith("vm:") ? `${slug}-${key.slice(3)}-nsg` : `${slug}-${key}-nsg`);
        const targets = new Set<string>([
            ...plan.vms.map((vm) => `vm:${vm.name}`),
            "lb",
            ...(plan.networkLoadBalancer ? ["nlb"] : []),
            ...plan.firewall.map((rule) => nsgKey(rule.target)),
        ]);
        for (const key of targets) {
            const name = nsgName(key);
            const nsg = new oci.core.NetworkSecurityGroup(name, { ...base("nsg"), vcnId, displayName: name }, o());
            this.nsgs[key] = nsg;
        }
        // Least egress (plan/egress.ts): the address space, the VCN resolver, and the internet only on the ports installs and services need.
        for (const rule of plan.egress) {
            const nsg = this.nsgs[nsgKey(rule.target)];
            if (!nsg) throw new Error(`${slug}: egress rule ${rule.key} targets ${nsgKey(rule.target)}, which has no NSG`);
            new oci.core.NetworkSecurityGroupSecurityRule(`${slug}-${rule.key}`, egressRule(rule, nsg.id), o());
        }
        for (const rule of plan.firewall) {
            new oci.core.NetworkSecurityGroupSecurityRule(`${slug}-${rule.key}`, ingressRule(rule, this.nsgs[nsgKey(rule.target)].id), o());
        }

        this.registerOutputs({
            vcnId,
            subnetIds: Object.fromEntries(Object.entries(this.subnets).map(([k, s]) => [k, s!.id])),
            natIp: this.natGateway?.natIp,
            drgAttachmentId: this.drgAttachment.id,
        });
    }
}

/** An NSG egress rule from one plan `EgressRule` (stateful: replies need no rule). */
export function egressRule(rule: EgressRule, networkSecurityGroupId: pulumi.Input<string>): oci.core.NetworkSecurityGroupSecurityRuleArgs {
    const portRange = rule.port === undefined ? undefined : { destinationPortRange: { min: rule.port, max: rule.toPort ?? rule.port } };
    return {
        networkSecurityGroupId,
        direction: "EGRESS",
        protocol: PROTOCOL_NUMBER[rule.protocol],
        destination: rule.destination,
        destinationType: "CIDR_BLOCK",
        stateless: false,
        description: `egress: ${rule.reason}`.slice(0, 255),
        ...(portRange ? (rule.protocol === "tcp" ? { tcpOptions: portRange } : rule.protocol === "udp" ? { udpOptions: portRange } : {}) : {}),
    };
}

/** An NSG ingress rule from one plan `FirewallRule` (stateful: replies need no rule). */
export function ingressRule(rule: FirewallRule, networkSecurityGroupId: pulumi.Input<string>): oci.core.NetworkSecurityGroupSecurityRuleArgs {
    const portRange = { destinationPortRange: { min: rule.port, max: rule.toPort ?? rule.port } };
    return {
        networkSecurityGroupId,
        direction: "INGRESS",
        protocol: PROTOCOL_NUMBER[rule.protocol],
        source: rule.source,
        sourceType: "CIDR_BLOCK",
        stateless: false,
        description: `${rule.reason} (from ${rule.sourceDescription})`.slice(0, 255),
        ...(rule.protocol === "tcp" ? { tcpOptions: portRange } : { udpOptions: portRange }),
    };
}
