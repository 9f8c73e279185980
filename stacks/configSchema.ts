/**
 * The shape of `Pulumi.<stack>.yaml` (`blitzhub:*` keys). Pure: no `@pulumi/*` import, so the
 * offline engine and the tests validate a stack file before any resource is registered.
 */
import { z } from "zod";
import { RegionKey } from "../model/schema";

const Ocid = (kind: string) =>
    z.string().regex(new RegExp(`^ocid1\\.${kind}\\.oc1\\.[a-z0-9-]*\\.[a-z0-9]+$`), `must be an OCI ${kind} OCID`);

/** Per-account settings: which `~/.oci/config` profile holds its credentials, and overrides. */
export const AccountConfig = z.strictObject({
    /** Profile name in the OCI config file (`[EU-FE-01]`). */
    profile: z.string().min(1),
    /** Group allowed to manage the DRG attachments/RPCs (IAM Endorse/Admit statements). */
    networkAdminGroupOcid: Ocid("group"),
    /** Compartment for the account's resources; the tenancy root when absent. */
    compartmentOcid: Ocid("compartment").or(Ocid("tenancy")).optional(),
    /** Availability domain name override (A1 capacity differs by domain). */
    availabilityDomain: z.string().optional(),
    /** Image OCID overrides by shape, instead of the latest-image lookup. */
    imageOcids: z.record(z.string(), Ocid("image")).optional(),
});
export type AccountConfig = z.infer<typeof AccountConfig>;

export const StackConfig = z.strictObject({
    /** The region this stack deploys (`eu`, `na`, `sa`, `as`, `au`). */
    region: RegionKey,
    /** Topology file, relative to the project root. */
    topology: z.string().default("topology/blitzhub.yaml"),
    /** OCI config file with one profile per account. `~/.oci/config` for real runs. */
    ociConfigFile: z.string().default("~/.oci/config"),
    /** Every account of this region, by account name. */
    accounts: z.record(z.string(), AccountConfig),
    /** SSH public keys installed for the `ops` user on every VM (public keys, not secrets). */
    sshAuthorizedKeys: z.array(z.string().regex(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+( .*)?$/)).min(1),
    /**
     * Public egress addresses (`203.0.113.7` or a CIDR) of Autonomous Database clients in other
     * regions — their NAT gateway IPs, the `natEgressIp` output of their stack — admitted to the
     * database's access list. Set on the stack of the database's account (eu) after the client's
     * stack first deploys; until then that stack warns and names the clients left out.
     */
    autonomousDatabaseRemoteClients: z
        .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/, "must be an IPv4 address or CIDR such as 203.0.113.7"))
        .default([]),
    /** Fully qualified name of the eu stack, read by the other regions' StackReference. */
    euStack: z.string().default("organization/blitzhub/eu"),
    /** Operating system image lookup when no override is given. */
    image: z
        .strictObject({ operatingSystem: z.string().default("Canonical Ubuntu"), version: z.string().default("22.04") })
        .default({ operatingSystem: "Canonical Ubuntu", version: "22.04" }),
});
export type StackConfig = z.infer<typeof StackConfig>;
