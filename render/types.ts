/**
 * What the render layer produces: config files per VM and service, as they land on the host.
 * Pure data; the delivery component (`components/delivery/`) copies them.
 */
import type { AccountPlan, ServicePlacementPlan, TopologyPlan, VmPlan } from "../plan/types";
import type { OperatorIdentity } from "./identities";

/** One config file on one VM. Secret values never appear in `content`: only placeholders. */
export interface RenderedFile {
    account: string;
    /** VM name in the topology (`app`, `edge-1`). */
    vm: string;
    /** Catalogue service the file belongs to (`nginx`), or a host concern (`host-firewall`, `logrotate`, `backup`). */
    service: string;
    /** Absolute path on the VM. */
    path: string;
    content: string;
    /** Octal file mode, e.g. `0644`. */
    mode: string;
    owner: string;
    group: string;
    /** Command run on the host after the files of this service are in place; non-zero aborts the reload. */
    validate?: string;
    /** Command that makes the service pick the files up. */
    reload?: string;
    /** Vault paths (`secret/redis_password`) whose placeholders occur in `content`. */
    secretRefs: string[];
    /**
     * Directories above `path` that the catalogue's permissions own (`/app/frontend` for the app
     * account), outermost first; delivery makes them so, instead of leaving them root's.
     */
    directories?: DirectoryOwnership[];
}

/** A directory delivery creates (or corrects) with its owner and mode. */
export interface DirectoryOwnership {
    path: string;
    mode: string;
    owner: string;
    group: string;
}

/** An operator's WireGuard client, admitted by every bastion (stack config `blitzhub:wireguardPeers`). */
export interface WireguardPeer {
    /** Who it is (`alice-laptop`): a comment in the bastion's config. */
    name: string;
    /** Its public key (`wg pubkey`); the private half never leaves the operator's machine. */
    publicKey: string;
    /** Its host number in every bastion's tunnel /24 (2-254; 1 is the bastion). */
    host: number;
}

/** What rendering takes besides the plan: per-deployment settings from the stack config. */
export interface RenderOptions {
    /** The operators' logins (stack config `blitzhub:operators`); a placeholder when none is given (offline render). */
    operators?: OperatorIdentity[];
    /** WireGuard clients the bastions admit; none renders a VPN entry nobody can use (the program warns). */
    wireguardPeers?: WireguardPeer[];
    /**
     * Where MinIO's nightly offsite copy goes (stack config `blitzhub:offsiteBackup`): the
     * tenancy's Object Storage namespace and the access key id of an OCI customer secret key
     * (its secret half is `blitzhub-offsite:secretKey`). None renders no offsite copy (the program warns).
     */
    offsiteBackup?: OffsiteBackup;
}

/** The offsite bucket's S3-compatible endpoint and access key id (the secret key is a secret). */
export interface OffsiteBackup {
    /** Object Storage namespace of the tenancy holding the offsite bucket. */
    namespace: string;
    /** Access key id of an OCI customer secret key allowed to inspect and create objects in the bucket. */
    accessKeyId: string;
}

/** Everything a per-service renderer may read: the whole plan and where it renders for. */
export interface ServiceContext {
    plan: TopologyPlan;
    account: AccountPlan;
    vm: VmPlan;
    placement: ServicePlacementPlan;
    options: RenderOptions;
}

/** A file before the account/vm/service/secretRefs are filled in by the caller. */
export interface FileSpec {
    path: string;
    content: string;
    mode?: string;
    owner?: string;
    group?: string;
    validate?: string;
    reload?: string;
}

/** Renders the files of one service on one VM. */
export type ServiceRenderer = (ctx: ServiceContext) => FileSpec[];
