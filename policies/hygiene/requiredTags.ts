import * as oci from "@pulumi/oci";
import { PROJECT_RULE, type BlitzResourcePolicy, type ResourceClass } from "../lib/policy";
import { freeformTags } from "../lib/props";

/** Tags every taggable resource carries: who owns it, what it is, where, and that Pulumi manages it. */
export const REQUIRED_TAGS = ["account", "role", "region", "managed-by"] as const;

/** The OCI resource classes this project creates that accept `freeformTags`. */
export const TAGGABLE_CLASSES: ResourceClass[] = [
    oci.core.Vcn,
    oci.core.Subnet,
    oci.core.InternetGateway,
    oci.core.NatGateway,
    oci.core.ServiceGateway,
    oci.core.RouteTable,
    oci.core.SecurityList,
    oci.core.DefaultSecurityList,
    oci.core.NetworkSecurityGroup,
    oci.core.DhcpOptions,
    oci.core.Drg,
    oci.core.DrgAttachment,
    oci.core.DrgRouteTable,
    oci.core.RemotePeeringConnection,
    oci.core.Instance,
    oci.core.Volume,
    oci.core.PublicIp,
    oci.core.PrivateIp,
    oci.loadbalancer.LoadBalancer,
    oci.networkloadbalancer.NetworkLoadBalancer,
    oci.database.AutonomousDatabase,
    oci.objectstorage.Bucket,
    oci.kms.Vault,
    oci.kms.Key,
    oci.vault.Secret,
    oci.identity.Policy,
    oci.identity.Group,
    oci.identity.DynamicGroup,
];

/** Mandatory: cost reports and incident response find every resource's owner by tag. */
export const requiredTags: BlitzResourcePolicy = {
    name: "required-freeform-tags",
    description: "Taggable OCI resources carry the freeform tags account, role, region and managed-by.",
    enforcementLevel: "mandatory",
    remediationSteps: "Pass the account component's common freeformTags ({account, role, region, 'managed-by': 'pulumi'}) to the resource.",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        if (!TAGGABLE_CLASSES.some((c) => args.isType(c))) args.notApplicable("applies to taggable OCI resources");
        const tags = freeformTags(args.props);
        const missing = REQUIRED_TAGS.filter((t) => !tags[t]);
        if (missing.length > 0) reportViolation(`${args.name} lacks freeform tag(s) ${missing.join(", ")}`);
    },
};
