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
import {
    AlgorithmIdentifier,
    AuthorityKeyIdentifier,
    BasicConstraints,
    ExtendedKeyUsage,
    Extensions,
    GeneralName,
    KeyIdentifier,
    KeyUsage,
    KeyUsageFlags,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
    TBSCertificate,
    Validity,
    Version,
    id_ce_authorityKeyIdentifier,
    id_ce_basicConstraints,
    id_ce_extKeyUsage,
    id_ce_keyUsage,
    id_ce_subjectAltName,
    id_ce_subjectKeyIdentifier,
    id_kp_serverAuth,
} from "@peculiar/asn1-x509";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { type EcdsaKey, ecdsaKeyFromSeed, ID_ECDSA_WITH_SHA256, signEcdsaCertificate } from "./deterministicEcdsa";
import { type CertifiedKey, DEFAULT_PKI_VALIDITY, extension, type InternalCa, keyIdOf, type PkiValidity, serialOf, slug, spkiOf, subjectName } from "./internalPki";
import { secretPlaceholder } from "./secrets";
import type { FileSpec } from "./types";

/** HKDF salt of every backend-CA key: another salt than the internal CA's, so no key is shared. */
const BACKEND_PKI_SALT = "blitzhub-backend-pki";
/** Common name of the backend CA. */
export const BACKEND_CA_NAME = "BlitzHub backend CA (load balancer to backends)";
/** Placeholder path of the backend CA certificate. */
export const BACKEND_CA_CERT_SECRET = "secret/pki/backend/ca_cert";
const BACKEND_LEAF_PATH = /^secret\/pki\/backend\/leaf\/([a-z0-9_]+)\/([a-z0-9_]+)\/([a-z0-9_]+)\/(cert|key)$/;

/** The backend CA of one deployment. */
export interface BackendCa {
    /** The CA certificate (PEM, public): the load balancers' CA bundle. */
    certPem: string;
    /** @internal */
    readonly key: EcdsaKey;
    /** @internal */
    readonly seed: Buffer;
    /** @internal */
    readonly keyId: Buffer;
    readonly validity: PkiValidity;
}

/**
 * The backend CA of a 32-byte deployment seed (base64, the internal CA's seed). Same seed and
 * validity, same PEM. The validity windows are the internal CA's ({@link DEFAULT_PKI_VALIDITY}).
 */
export function backendCaFromSeed(seedBase64: string, validity: PkiValidity = DEFAULT_PKI_VALIDITY): BackendCa {
    const seed = Buffer.from(seedBase64, "base64");
    if (seed.length !== 32) throw new Error(`backend CA seed: needs 32 bytes, got ${seed.length}`);
    const key = ecdsaKeyFromSeed(seed, BACKEND_PKI_SALT, "ca");
    const spki = spkiOf(key.key);
    const keyId = keyIdOf(spki);
    const subject = subjectName(BACKEND_CA_NAME);
    const tbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(`backend-ca:${BACKEND_CA_NAME}`),
        signature: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        issuer: subject,
        validity: new Validity({ notBefore: validity.notBefore, notAfter: validity.caNotAfter }),
        subject,
        subjectPublicKeyInfo: spki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(keyId))),
        ]),
    });
    return { certPem: signEcdsaCertificate(tbs, key), key, seed, keyId, validity };
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
    const spki = spkiOf(key.key);
    const tbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(`backend-leaf:${BACKEND_CA_NAME}:${commonName}`),
        signature: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        issuer: subjectName(BACKEND_CA_NAME),
        validity: new Validity({ notBefore: ca.validity.notBefore, notAfter: ca.validity.leafNotAfter }),
        subject: subjectName(commonName),
        subjectPublicKeyInfo: spki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
            extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
            extension(id_ce_subjectAltName, false, new SubjectAlternativeName([new GeneralName({ iPAddress: vm.privateIp })])),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(keyIdOf(spki)))),
            extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(new Uint8Array(ca.keyId)) })),
        ]),
    });
    return { certPem: signEcdsaCertificate(tbs, ca.key), keyPem: key.key.export({ format: "pem", type: "pkcs8" }).toString() };
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
        if (!match) continue;
        const [, accountSlug, vmSlug, service, part] = match;
        const account = plan.accounts.find((a) => slug(a.name) === accountSlug);
        const vm = account?.vms.find((v) => slug(v.name) === vmSlug);
        if (!account || !vm) throw new Error(`${ref}: names no VM of the plan`);
        const id = `${accountSlug}/${vmSlug}/${service}`;
        if (!leaves.has(id)) leaves.set(id, issueBackendLeaf(ca, account, vm, service));
        values[ref] = part === "cert" ? leaves.get(id)!.certPem : leaves.get(id)!.keyPem;
    }
    return values;
}
