/**
 * The backend CA: what the public load balancers verify Nginx and the RPC gateway with when they
 * re-encrypt the hop from the load balancer to its backends.
 *
 * OCI's load balancer verifies a backend only with an RSA or ECDSA chain, and the internal CA
 * (render/internalPki.ts) is Ed25519. So this is a second CA, ECDSA P-256, derived from the same
 * deployment seed with its own HKDF salt: nothing new is stored, every region derives the same
 * CA, and the same seed gives byte-identical PEM on every run (deterministic ECDSA,
 * render/deterministicEcdsa.ts). It issues one leaf per backend VM and service, naming the VM's
 * private IP only: that is the address the load balancer connects to.
 *
 * Like the internal CA's, its leaves reach a VM only as placeholders (`@@secret:secret/pki/backend/...@@`)
 * that delivery fills from secret outputs ({@link backendPkiSecretValues}); the CA certificate
 * (public) goes to each public load balancer as a CA-only certificate bundle.
 */
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { ecdsaKeyFromSeed } from "./deterministicEcdsa";
import { type EcdsaCa, ecdsaCa, ecdsaServerLeaf } from "./ecdsaCertificates";
import { type CertifiedKey, DEFAULT_PKI_VALIDITY, type InternalCa, leafPlaceholderValue, type PkiValidity, slug } from "./internalPki";
import { secretPlaceholder } from "./secrets";
import type { FileSpec } from "./types";

/** HKDF salt of every backend-CA key: another salt than the internal CA's, so no key is shared. */
const BACKEND_PKI_SALT = "blitzhub-backend-pki";
/** Common name of the backend CA. */
export const BACKEND_CA_NAME = "BlitzHub backend CA (load balancer to backends)";
/** Placeholder path of the backend CA certificate. */
export const BACKEND_CA_CERT_SECRET = "secret/pki/backend/ca_cert";
const BACKEND_LEAF_PATH = /^secret\/pki\/backend\/leaf\/([a-z0-9_]+)\/([a-z0-9_]+)\/([a-z0-9_]+)\/(cert|key)$/;

/** The backend CA of one deployment: its certificate (PEM, public: the load balancers' CA bundle) and its signing key. */
export interface BackendCa extends EcdsaCa {
    /** @internal */
    readonly seed: Buffer;
    readonly validity: PkiValidity;
}

/**
 * The backend CA of a 32-byte deployment seed (base64, the internal CA's seed). Same seed and
 * validity, same PEM. The validity windows are the internal CA's ({@link DEFAULT_PKI_VALIDITY}).
 */
export function backendCaFromSeed(seedBase64: string, validity: PkiValidity = DEFAULT_PKI_VALIDITY): BackendCa {
    const seed = Buffer.from(seedBase64, "base64");
    if (seed.length !== 32) throw new Error(`backend CA seed: needs 32 bytes, got ${seed.length}`);
    const ca = ecdsaCa(BACKEND_CA_NAME, ecdsaKeyFromSeed(seed, BACKEND_PKI_SALT, "ca"), {
        serialLabel: `backend-ca:${BACKEND_CA_NAME}`,
        notBefore: validity.notBefore,
        notAfter: validity.caNotAfter,
    });
    return { ...ca, seed, validity };
}

/** The backend CA of the deployment whose internal CA is `ca` (the same seed). */
export function backendCaOf(ca: InternalCa): BackendCa {
    return backendCaFromSeed(ca.seed.toString("base64"), ca.validity);
}

/**
 * The leaf of `service` on `vm`: ECDSA P-256, server authentication only, its one name the VM's
 * private IP (what the load balancer's backend is). Its key is derived from the seed and the name.
 */
export function issueBackendLeaf(ca: BackendCa, account: AccountPlan, vm: VmPlan, service: string): CertifiedKey {
    const commonName = `${vm.resourceName} ${slug(service)} (load balancer backend)`;
    const key = ecdsaKeyFromSeed(ca.seed, BACKEND_PKI_SALT, `leaf:${slug(account.name)}/${slug(vm.name)}/${slug(service)}`);
    return ecdsaServerLeaf(ca, key, commonName, { ipAddresses: [vm.privateIp] }, {
        serialLabel: `backend-leaf:${BACKEND_CA_NAME}:${commonName}`,
        notBefore: ca.validity.notBefore,
        notAfter: ca.validity.leafNotAfter,
    });
}

// ---- Files and placeholders -------------------------------------------------------------

/** Placeholder paths of one service's backend leaf on one VM. */
export function backendLeafSecretPaths(account: AccountPlan, vm: VmPlan, service: string): { cert: string; key: string } {
    const base = `secret/pki/backend/leaf/${slug(account.name)}/${slug(vm.name)}/${slug(service)}`;
    return { cert: `${base}/cert`, key: `${base}/key` };
}

/** Where a backend's certificate and key land. */
export interface BackendTlsFiles {
    /** The two files (placeholders only): add them to the service's `FileSpec[]`. */
    files: FileSpec[];
    certPath: string;
    keyPath: string;
}

/**
 * The certificate and key `service` on `vm` presents to its load balancer, in `dir`, owned by
 * root (Nginx's master reads them before it drops privileges), the key 0600.
 */
export function backendTlsFiles(account: AccountPlan, vm: VmPlan, service: string, opts: { dir: string; reload?: string; validate?: string }): BackendTlsFiles {
    const paths = backendLeafSecretPaths(account, vm, service);
    const certPath = `${opts.dir}/${service}-backend.crt`;
    const keyPath = `${opts.dir}/${service}-backend.key`;
    const common = { owner: "root", group: "root", ...(opts.reload ? { reload: opts.reload } : {}), ...(opts.validate ? { validate: opts.validate } : {}) };
    return {
        certPath,
        keyPath,
        files: [
            { path: certPath, content: secretPlaceholder(paths.cert), mode: "0644", ...common },
            { path: keyPath, content: secretPlaceholder(paths.key), mode: "0600", ...common },
        ],
    };
}

/** True for placeholder paths {@link backendPkiSecretValues} fills. */
export function isBackendPkiSecretPath(path: string): boolean {
    return path === BACKEND_CA_CERT_SECRET || BACKEND_LEAF_PATH.test(path);
}

/**
 * The values of the `secret/pki/backend/...` placeholders among `refs` (names from the plan).
 * Throws on a path that names no VM of the plan.
 */
export function backendPkiSecretValues(plan: TopologyPlan, ca: BackendCa, refs: Iterable<string>): Record<string, string> {
    const values: Record<string, string> = {};
    const leaves = new Map<string, CertifiedKey>();
    for (const ref of refs) {
        if (ref === BACKEND_CA_CERT_SECRET) {
            values[ref] = ca.certPem;
            continue;
        }
        const match = BACKEND_LEAF_PATH.exec(ref);
        if (match) values[ref] = leafPlaceholderValue(plan, ref, match, leaves, (account, vm, service) => issueBackendLeaf(ca, account, vm, service));
    }
    return values;
}
