/**
 * The shape of `Pulumi.<stack>.yaml` (`blitzhub:*` keys). Pure: no `@pulumi/*` import, so the
 * offline engine and the tests validate a stack file before any resource is registered.
 */
import { z } from "zod";
import { UserInputError, type Problem, yamlTypeName } from "../model/errors";
import { RegionKey } from "../model/schema";
import { DEFAULT_TOPOLOGY_FILE } from "../model/load";

/** Config namespace of every project key (the Pulumi project name). */
export const CONFIG_NAMESPACE = "blitzhub";

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

/** An operator's WireGuard client (see `render/types.ts` `WireguardPeer`). */
export const WireguardPeer = z.strictObject({
    /** Who it is (`alice-laptop`). */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes (alice-laptop)"),
    /** Output of `wg pubkey`: 32 bytes in base64. */
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, "must be a WireGuard public key (44 characters of base64, from wg pubkey)"),
    /** Host number in every bastion's tunnel /24 (1 is the bastion). */
    host: z.number().int().min(2, "must be 2-254 (1 is the bastion)").max(254, "must be 2-254 (1 is the bastion)"),
});
export type WireguardPeer = z.infer<typeof WireguardPeer>;

/** No two peers share a name, a key or a host number. */
const WireguardPeers = z.array(WireguardPeer).superRefine((peers, ctx) => {
    for (const field of ["name", "publicKey", "host"] as const) {
        const first = new Map<unknown, number>();
        peers.forEach((peer, i) => {
            const at = first.get(peer[field]);
            if (at === undefined) first.set(peer[field], i);
            else ctx.addIssue({ code: "custom", path: [i, field], message: `same ${field} as wireguardPeers[${at}]` });
        });
    }
});

const SshPublicKey = z
    .string()
    .regex(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/, "must be one OpenSSH public key line (ssh-ed25519 AAAA... comment)");

/** Logins that are not a person's: the image's, delivery's and system accounts'. */
export const RESERVED_LOGINS = ["root", "deploy", "ops", "ubuntu", "opc", "admin", "daemon", "nobody", "sync", "sshd", "syslog"];

/** One person who operates the VMs: their own login on every VM, never shared. */
export const Operator = z.strictObject({
    /** Login name on every VM (`alice`); what sshd, sudo and auditd log. */
    name: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a login name: lower-case letter, then letters, digits, dashes (at most 31)")
        .refine((n) => !RESERVED_LOGINS.includes(n), "is a reserved or shared login (root, deploy, ops, ubuntu, ...): use the person's own name"),
    /** The operator's SSH public keys (one per device). */
    sshPublicKeys: z.array(SshPublicKey).min(1),
    /**
     * Crypt hash of the operator's sudo password (`mkpasswd -m sha-512` or yescrypt `$y$`), set
     * with `pulumi config set --secret --path`. Without one the operator logs in and reads logs but
     * has no sudo. SSH never accepts passwords: this only re-authenticates sudo, so a stolen SSH
     * key alone is not root.
     */
    sudoPasswordHash: z
        .string()
        .regex(/^\$(6|y|gy)\$[./A-Za-z0-9$=,-]{20,}$/, "must be a SHA-512 ($6$) or yescrypt ($y$) crypt hash, e.g. from mkpasswd -m sha-512")
        .optional(),
});
export type Operator = z.infer<typeof Operator>;

/** No two operators share a name or a key (a shared key is a shared identity). */
const Operators = z
    .array(Operator)
    .min(1)
    .superRefine((operators, ctx) => {
        const names = new Map<string, number>();
        const keys = new Map<string, string>();
        operators.forEach((op, i) => {
            const at = names.get(op.name);
            if (at !== undefined) ctx.addIssue({ code: "custom", path: [i, "name"], message: `same name as operators[${at}]` });
            else names.set(op.name, i);
            op.sshPublicKeys.forEach((key, k) => {
                const material = key.split(" ").slice(0, 2).join(" ");
                const owner = keys.get(material);
                if (owner !== undefined && owner !== op.name) ctx.addIssue({ code: "custom", path: [i, "sshPublicKeys", k], message: `same key as operator ${owner}: one key, one person` });
                keys.set(material, op.name);
            });
        });
    });

export const StackConfig = z.strictObject({
    /** The region this stack deploys (`eu`, `na`, `sa`, `as`, `au`). */
    region: RegionKey,
    /** Topology file, relative to the project root. */
    topology: z.string().default(DEFAULT_TOPOLOGY_FILE),
    /** OCI config file with one profile per account. `~/.oci/config` for real runs. */
    ociConfigFile: z.string().default("~/.oci/config"),
    /** Every account of this region, by account name. */
    accounts: z.record(z.string(), AccountConfig),
    /** The people who operate the VMs: one login each on every VM (`render/identities.ts`). */
    operators: Operators,
    /**
     * Public half of the delivery key (`blitzhub-delivery:sshPrivateKey`): the `deploy` account's
     * only key, which may run nothing but the delivery entry point as root.
     */
    deployPublicKey: SshPublicKey,
    /**
     * Public egress addresses (`203.0.113.7` or a CIDR) of Autonomous Database clients in other
     * regions — their NAT gateway IPs, the `natEgressIp` output of their stack — admitted to the
     * database's access list. Set on the stack of the database's account (eu) after the client's
     * stack first deploys; until then that stack warns and names the clients left out.
     */
    autonomousDatabaseRemoteClients: z
        .array(z.string().regex(/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/, "must be an IPv4 address or CIDR such as 203.0.113.7"))
        .default([]),
    /**
     * Operators' WireGuard clients, admitted by every management bastion of this region. Set on
     * the stack of the management account (eu); the bastions' config carries them from first boot.
     */
    wireguardPeers: WireguardPeers.default([]),
    /**
     * MinIO's nightly offsite copy to the data account's `backups-offsite` bucket: the tenancy's
     * Object Storage namespace (`oci os ns get`) and the access key id of a customer secret key
     * whose user may only inspect and create objects in that bucket; the secret half is
     * `blitzhub-offsite:secretKey` (a secret). Set on the stack of the data account (eu); unset,
     * no offsite copy is made and the program warns.
     */
    offsiteBackup: z
        .strictObject({
            namespace: z.string().regex(/^[a-z0-9]{1,64}$/, "must be the tenancy's Object Storage namespace (oci os ns get), lower-case letters and digits"),
            accessKeyId: z.string().regex(/^[0-9a-f]{40}$/, "must be the access key id of an OCI customer secret key (40 hexadecimal characters)"),
        })
        .optional(),
    /**
     * Fully qualified name (`<organization>/<project>/<stack>`) of the eu stack, read by the other
     * regions' StackReference. Unset: the eu stack of the organization and project this stack
     * runs under (`euStackName` in stacks/config.ts), so CI and every operator reach the same eu
     * stack as the one they preview or deploy, whatever the organization.
     */
    euStack: z
        .string()
        .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "must name the eu stack as <organization>/<project>/<stack>, e.g. acme/blitzhub/eu")
        .optional(),
    /** Operating system image lookup when no override is given. */
    image: z
        .strictObject({ operatingSystem: z.string().default("Canonical Ubuntu"), version: z.string().default("22.04") })
        .default({ operatingSystem: "Canonical Ubuntu", version: "22.04" }),
});
export type StackConfig = z.infer<typeof StackConfig>;

/** `accounts.EU-FE-01.profile`, `sshAuthorizedKeys[0]` from a zod issue path. */
function keyPath(segments: readonly PropertyKey[]): string {
    return segments.reduce<string>((acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), "");
}

/**
 * Validates the raw `blitzhub:*` values (keys without the namespace) against the schema.
 * Pure. `lineOf` gives the line in the stack file of a key path (`["accounts", "EU-FE-01",
 * "profile"]`); `key` asks for the line of the key itself (an unknown key).
 */
export function parseStackConfig(
    raw: Record<string, unknown>,
    stackFile: string,
    lineOf?: (segments: readonly (string | number)[], key: boolean) => number | undefined,
): StackConfig {
    const result = StackConfig.safeParse(raw, { reportInput: true });
    if (result.success) return result.data;
    const problems: Problem[] = [];
    for (const issue of result.error.issues as z.core.$ZodIssue[]) {
        const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
        for (const segments of keys) {
            const key = keyPath(segments);
            const message =
                issue.code === "unrecognized_keys"
                    ? key === "sshAuthorizedKeys"
                        ? "unknown key: replaced by blitzhub:operators (one login per person) and blitzhub:deployPublicKey (the delivery account)"
                        : "unknown key"
                    : (issue.code === "invalid_type" || issue.code === "invalid_value") && issue.input === undefined
                      ? "required"
                      : issue.code === "invalid_type"
                        ? `expected ${issue.expected}, got ${yamlTypeName(issue.input)}`
                        : issue.message;
            const line = lineOf?.(
                segments.map((seg) => (typeof seg === "number" ? seg : String(seg))),
                issue.code === "unrecognized_keys",
            );
            problems.push({ path: `${stackFile}: ${CONFIG_NAMESPACE}:${key}`, message, ...(line ? { line } : {}) });
        }
    }
    throw new UserInputError(problems);
}
