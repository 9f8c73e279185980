/**
 * The deployment's private certificate authority, derived from one 32-byte secret seed (a
 * `random.RandomBytes` in the eu stack's state, like the VMs' host-key seeds): the CA key and
 * every service's leaf key are Ed25519 keys derived from the seed with HKDF, and Ed25519
 * signatures are deterministic, so the same seed, names and dates give byte-identical PEM on
 * every run (no diff, no redelivery). Pure: node:crypto and the X.509 schema of
 * `@peculiar/asn1-x509`; no clock (dates come from {@link PkiValidity}).
 *
 * How a service gets TLS (the API other renderers use):
 * 1. its renderer calls {@link internalTlsFiles} for its VM and service: three files (CA, leaf
 *    certificate, leaf key) whose contents are placeholders `@@secret:secret/pki/...@@`, so no
 *    certificate or key is ever in a rendered file or the printed plan;
 * 2. its config points at the returned paths (`files.certPath`, `files.keyPath`, `files.caPath`);
 * 3. the stack fills the placeholders at delivery with {@link pkiSecretValues} (secret outputs).
 * Every VM also trusts the CA system-wide: cloud-init writes {@link INTERNAL_CA_TRUST_PATH} and
 * runs `update-ca-certificates`, and {@link internalCaTrustFile} delivers the same file to VMs that
 * booted before the CA existed.
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
    AlgorithmIdentifier,
    AttributeTypeAndValue,
    AttributeValue,
    AuthorityKeyIdentifier,
    BasicConstraints,
    Certificate,
    ExtendedKeyUsage,
    Extension,
    Extensions,
    GeneralName,
    KeyIdentifier,
    KeyUsage,
    KeyUsageFlags,
    Name,
    RelativeDistinguishedName,
    SubjectAlternativeName,
    SubjectKeyIdentifier,
    SubjectPublicKeyInfo,
    TBSCertificate,
    Validity,
    Version,
    id_ce_authorityKeyIdentifier,
    id_ce_basicConstraints,
    id_ce_extKeyUsage,
    id_ce_keyUsage,
    id_ce_subjectAltName,
    id_ce_subjectKeyIdentifier,
    id_kp_clientAuth,
    id_kp_serverAuth,
} from "@peculiar/asn1-x509";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { secretPlaceholder } from "./secrets";
import type { FileSpec } from "./types";

/** Ed25519 (RFC 8410). */
const ID_ED25519 = "1.3.101.112";
const ID_COMMON_NAME = "2.5.4.3";
const ID_ORGANIZATION = "2.5.4.10";
/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Validity window of the CA and of the leaves; fixed dates, never the clock. */
export interface PkiValidity {
    /** Start of every certificate (`2026-01-01T00:00:00Z`). */
    notBefore: Date;
    /** End of the CA certificate. */
    caNotAfter: Date;
    /** End of every leaf certificate. Rotate by moving both dates (stack config `blitzhub:internalPki`). */
    leafNotAfter: Date;
}

/** The default window: from 2026-01-01, the CA for 10 years, the leaves for 3. */
export const DEFAULT_PKI_VALIDITY: PkiValidity = {
    notBefore: new Date("2026-01-01T00:00:00Z"),
    caNotAfter: new Date("2036-01-01T00:00:00Z"),
    leafNotAfter: new Date("2029-01-01T00:00:00Z"),
};

/** A certificate and its private key in PEM (`BEGIN CERTIFICATE`, `BEGIN PRIVATE KEY` PKCS#8). */
export interface CertifiedKey {
    certPem: string;
    /** Secret. */
    keyPem: string;
}

/** What a leaf certificate names. */
export interface LeafSubject {
    /** Subject CN (`eu-sec-01-vault-1 vault`): a label; clients check the SANs. */
    commonName: string;
    /** DNS SANs (the VM's hostname and FQDN). */
    dnsNames: string[];
    /** IP SANs (the VM's private IP; 127.0.0.1 for local clients). */
    ipAddresses: string[];
}

/** The CA of one deployment: its certificate and key, and the seed leaves are derived from. */
export interface InternalCa extends CertifiedKey {
    /** Name in the certificates' issuer field. */
    name: string;
    /** @internal */
    readonly key: KeyObject;
    /** @internal */
    readonly seed: Buffer;
    /** @internal */
    readonly keyId: Buffer;
    readonly validity: PkiValidity;
}

function ed25519FromSeed(seed: Buffer): KeyObject {
    return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

function derive(seed: Buffer, label: string): Buffer {
    return Buffer.from(hkdfSync("sha256", seed, Buffer.from("blitzhub-internal-pki"), Buffer.from(label, "utf8"), 32));
}

export function subjectName(commonName: string): Name {
    const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
    return new Name([rdn(ID_ORGANIZATION, "BlitzHub"), rdn(ID_COMMON_NAME, commonName)]);
}

export function extension(extnID: string, critical: boolean, value: unknown): Extension {
    return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export function pem(label: string, der: ArrayBuffer | Buffer): string {
    const body = Buffer.from(der as ArrayBuffer).toString("base64").match(/.{1,64}/g)!.join("\n");
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Positive 16-byte serial from a label (deterministic, unique per certificate name). */
export function serialOf(label: string): ArrayBuffer {
    const bytes = createHash("sha256").update(label).digest().subarray(0, 16);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    return new Uint8Array(bytes).buffer;
}

export function keyIdOf(spki: SubjectPublicKeyInfo): Buffer {
    return createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
}

function signCertificate(tbs: TBSCertificate, signer: KeyObject): ArrayBuffer {
    const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
    const signature = sign(null, tbsDer, signer);
    const cert = new Certificate({
        tbsCertificate: tbs,
        signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ID_ED25519 }),
        signatureValue: new Uint8Array(signature).buffer,
    });
    return AsnConvert.serialize(cert);
}

export function spkiOf(key: KeyObject): SubjectPublicKeyInfo {
    return AsnConvert.parse(createPublicKey(key).export({ format: "der", type: "spki" }), SubjectPublicKeyInfo);
}

/**
 * The CA of a 32-byte seed (base64, as `random.RandomBytes.base64` gives it). `name` is its
 * common name (`BlitzHub internal CA`); the same seed, name and validity give the same PEM.
 */
export function internalCaFromSeed(seedBase64: string, name = "BlitzHub internal CA", validity: PkiValidity = DEFAULT_PKI_VALIDITY): InternalCa {
    const seed = Buffer.from(seedBase64, "base64");
    if (seed.length !== 32) throw new Error(`internal CA seed: needs 32 bytes, got ${seed.length}`);
    if (!(validity.notBefore < validity.leafNotAfter && validity.leafNotAfter <= validity.caNotAfter)) {
        throw new Error("internal CA validity: needs notBefore < leafNotAfter <= caNotAfter");
    }
    const key = ed25519FromSeed(derive(seed, "ca"));
    const spki = spkiOf(key);
    const keyId = keyIdOf(spki);
    const subject = subjectName(name);
    const tbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(`ca:${name}`),
        signature: new AlgorithmIdentifier({ algorithm: ID_ED25519 }),
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
    return {
        name,
        certPem: pem("CERTIFICATE", signCertificate(tbs, key)),
        keyPem: key.export({ format: "pem", type: "pkcs8" }).toString(),
        key,
        seed,
        keyId,
        validity,
    };
}

/**
 * A leaf certificate for `subject`, signed by `ca`, usable by servers and clients (mutual TLS).
 * Its key is derived from the CA seed and the subject's common name: one key per name.
 */
export function issueLeaf(ca: InternalCa, subject: LeafSubject): CertifiedKey {
    if (subject.dnsNames.length + subject.ipAddresses.length === 0) throw new Error(`leaf ${subject.commonName}: needs at least one DNS or IP name`);
    const key = ed25519FromSeed(derive(ca.seed, `leaf:${subject.commonName}`));
    const spki = spkiOf(key);
    const tbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(`leaf:${ca.name}:${subject.commonName}`),
        signature: new AlgorithmIdentifier({ algorithm: ID_ED25519 }),
        issuer: subjectName(ca.name),
        validity: new Validity({ notBefore: ca.validity.notBefore, notAfter: ca.validity.leafNotAfter }),
        subject: subjectName(subject.commonName),
        subjectPublicKeyInfo: spki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
            extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth, id_kp_clientAuth])),
            extension(id_ce_subjectAltName, false, new SubjectAlternativeName([
                ...subject.dnsNames.map((dNSName) => new GeneralName({ dNSName })),
                ...subject.ipAddresses.map((iPAddress) => new GeneralName({ iPAddress })),
            ])),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(keyIdOf(spki)))),
            extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(new Uint8Array(ca.keyId)) })),
        ]),
    });
    return { certPem: pem("CERTIFICATE", signCertificate(tbs, ca.key)), keyPem: key.export({ format: "pem", type: "pkcs8" }).toString() };
}

/**
 * A throwaway certificate for `names` (and its issuer as the chain): what the lab's load-balancer
 * stand-in presents (a fresh random seed) and the offline plan's HTTPS listeners carry when no
 * real edge certificate is configured (`seedLabel`: derived from that public label, so the plan is
 * the same on every run; its key is public by construction and its CA trusted nowhere). Never
 * stored; never a real edge's.
 */
export function throwawayTestCertificate(names: { dnsNames: string[]; ipAddresses?: string[] }, seedLabel?: string): CertifiedKey & { caPem: string } {
    const seed = seedLabel === undefined ? randomBytes(32) : createHash("sha256").update(seedLabel).digest();
    const ca = internalCaFromSeed(seed.toString("base64"), "BlitzHub offline test CA (not trusted anywhere)");
    const leaf = issueLeaf(ca, { commonName: names.dnsNames[0] ?? "blitzhub.invalid", dnsNames: names.dnsNames, ipAddresses: names.ipAddresses ?? [] });
    return { ...leaf, caPem: ca.certPem };
}

// ---- Files and placeholders -------------------------------------------------------------

/** Where every VM keeps the CA for `update-ca-certificates` (Debian/Ubuntu). */
export const INTERNAL_CA_TRUST_PATH = "/usr/local/share/ca-certificates/blitzhub-internal-ca.crt";
/** The same CA as the system bundle lists it after `update-ca-certificates` (clients' `VAULT_CACERT`, `tls-ca-cert-file`, ...). */
export const INTERNAL_CA_BUNDLE_PATH = "/etc/ssl/certs/blitzhub-internal-ca.pem";
/** Placeholder path of the CA certificate (public, but known only once the seed exists). */
export const PKI_CA_CERT_SECRET = "secret/pki/ca_cert";
const LEAF_PATH = /^secret\/pki\/leaf\/([a-z0-9_]+)\/([a-z0-9_]+)\/([a-z0-9_]+)\/(cert|key)$/;
const DERIVED_PASSWORD_PATH = /^secret\/derived\/([a-z0-9_]+)\/([a-z0-9_]+)\/([a-z0-9_]+)$/;

/** Lower-case letters, digits and `_`: how account, VM and service names appear in placeholder paths. */
export function slug(value: string): string {
    return value.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
}

/** Placeholder paths of one service's leaf on one VM. */
export function leafSecretPaths(account: AccountPlan, vm: VmPlan, service: string): { cert: string; key: string } {
    const base = `secret/pki/leaf/${slug(account.name)}/${slug(vm.name)}/${slug(service)}`;
    return { cert: `${base}/cert`, key: `${base}/key` };
}

/**
 * The names a VM's leaf carries: its private IP, loopback, its hostname and its FQDN in the VCN
 * (`<host>.<subnet label>.<vcn label>.oraclevcn.com`, the labels `AccountNetwork` gives OCI).
 */
export function leafSubjectOf(account: AccountPlan, vm: VmPlan, service: string): LeafSubject {
    const host = vm.resourceName;
    const vcnLabel = account.slug.replace(/[^a-z0-9]/g, "").slice(0, 15);
    const subnetLabel = account.subnets.find((s) => s.name === vm.subnet)?.dnsLabel;
    return {
        commonName: `${host} ${service}`,
        dnsNames: [host, ...(subnetLabel ? [`${host}.${subnetLabel}.${vcnLabel}.oraclevcn.com`] : []), "localhost"],
        ipAddresses: [vm.privateIp, "127.0.0.1"],
    };
}

/** Where one service's TLS files land and who may read them. */
export interface InternalTlsFiles {
    /** The three files (placeholders only): add them to the service's `FileSpec[]`. */
    files: FileSpec[];
    certPath: string;
    keyPath: string;
    /** The CA certificate, for the service's own client-verification setting. */
    caPath: string;
}

/** Options of {@link internalTlsFiles}. */
export interface InternalTlsOptions {
    /** Directory of the three files (`/etc/vault/tls`). */
    dir: string;
    /** Owner of the files (the service's user). */
    owner: string;
    /** Group of the files; the owner's by default. */
    group?: string;
    /** The service's reload command, run when one of the files changes. */
    reload?: string;
    /**
     * File names inside `dir` when the daemon insists on its own (MinIO's `public.crt`,
     * `private.key`, `CAs/...`); `<service>.crt`, `<service>.key` and `ca.crt` by default.
     */
    names?: { cert: string; key: string; ca: string };
}

/**
 * The CA, certificate and key files of `service` on `vm`, in `dir` (`/etc/vault/tls`), owned by
 * `owner`:`group` (the key 0600 when the group is root, else 0640), with the service's reload.
 * `service` names the leaf (its key and certificate): a client's own leaf (mutual TLS) is a
 * service name of its own (`promtail`, `grafana`).
 */
export function internalTlsFiles(account: AccountPlan, vm: VmPlan, service: string, opts: InternalTlsOptions): InternalTlsFiles {
    const paths = leafSecretPaths(account, vm, service);
    const group = opts.group ?? opts.owner;
    const names = opts.names ?? { cert: `${service}.crt`, key: `${service}.key`, ca: "ca.crt" };
    const certPath = `${opts.dir}/${names.cert}`;
    const keyPath = `${opts.dir}/${names.key}`;
    const caPath = `${opts.dir}/${names.ca}`;
    const common = { owner: opts.owner, group, ...(opts.reload ? { reload: opts.reload } : {}) };
    return {
        certPath,
        keyPath,
        caPath,
        files: [
            { path: caPath, content: secretPlaceholder(PKI_CA_CERT_SECRET), mode: "0644", ...common },
            { path: certPath, content: secretPlaceholder(paths.cert), mode: "0644", ...common },
            { path: keyPath, content: secretPlaceholder(paths.key), mode: group === "root" ? "0600" : "0640", ...common },
        ],
    };
}

/** The CA in the system trust store, for VMs that booted before it existed (cloud-init writes it on new ones). */
export function internalCaTrustFile(): FileSpec {
    return {
        path: INTERNAL_CA_TRUST_PATH,
        content: secretPlaceholder(PKI_CA_CERT_SECRET),
        mode: "0644",
        owner: "root",
        group: "root",
        reload: "update-ca-certificates",
    };
}

/**
 * Placeholder path of a password that belongs to one account's instance of a service and one of
 * its users (`secret/derived/eu_be_01/redis/app`): Redis's ACL users, one set per cluster. Its
 * value is derived from the deployment's seed (HKDF, one-way), so each cluster has its own
 * credentials without a catalogue secret per account.
 */
export function derivedPasswordPath(account: AccountPlan, service: string, user: string): string {
    return `secret/derived/${slug(account.name)}/${slug(service)}/${slug(user)}`;
}

/** 40 letters and digits (≈238 bits) for `path`; letters and digits only, like the catalogue's. */
function derivedPassword(ca: InternalCa, path: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const bytes = Buffer.from(hkdfSync("sha256", ca.seed, Buffer.from("blitzhub-derived-password"), Buffer.from(path, "utf8"), 160));
    // Rejection sampling keeps every character equally likely (248 = 4 × 62).
    const chars = [...bytes].filter((b) => b < 248).map((b) => alphabet[b % 62]);
    if (chars.length < 40) throw new Error(`derived password ${path}: not enough bytes`);
    return chars.slice(0, 40).join("");
}

/** True for placeholder paths this module fills (`secret/pki/...`, `secret/derived/...`). */
export function isPkiSecretPath(path: string): boolean {
    return path === PKI_CA_CERT_SECRET || LEAF_PATH.test(path) || DERIVED_PASSWORD_PATH.test(path);
}

/**
 * The values of the `secret/pki/...` placeholders among `refs`: the CA certificate and, for each
 * leaf path, the certificate or key of that VM's service (names from the plan). Throws on a path
 * that names no VM of the plan.
 */
export function pkiSecretValues(plan: TopologyPlan, ca: InternalCa, refs: Iterable<string>): Record<string, string> {
    const values: Record<string, string> = {};
    const leaves = new Map<string, CertifiedKey>();
    for (const ref of refs) {
        if (ref === PKI_CA_CERT_SECRET) {
            values[ref] = ca.certPem;
            continue;
        }
        const derived = DERIVED_PASSWORD_PATH.exec(ref);
        if (derived) {
            if (!plan.accounts.some((a) => slug(a.name) === derived[1])) throw new Error(`${ref}: names no account of the plan`);
            values[ref] = derivedPassword(ca, ref);
            continue;
        }
        const match = LEAF_PATH.exec(ref);
        if (match) values[ref] = leafPlaceholderValue(plan, ref, match, leaves, (account, vm, service) => issueLeaf(ca, leafSubjectOf(account, vm, service)));
    }
    return values;
}

/**
 * The certificate or key a leaf placeholder names (`match`: account slug, VM slug, service,
 * `cert` or `key`), issued once per leaf into `leaves`. Throws on a path that names no VM of the plan.
 */
export function leafPlaceholderValue(
    plan: TopologyPlan,
    ref: string,
    match: RegExpExecArray,
    leaves: Map<string, CertifiedKey>,
    issue: (account: AccountPlan, vm: VmPlan, service: string) => CertifiedKey,
): string {
    const [, accountSlug, vmSlug, service, part] = match;
    const account = plan.accounts.find((a) => slug(a.name) === accountSlug);
    const vm = account?.vms.find((v) => slug(v.name) === vmSlug);
    if (!account || !vm) throw new Error(`${ref}: names no VM of the plan`);
    const id = `${accountSlug}/${vmSlug}/${service}`;
    if (!leaves.has(id)) leaves.set(id, issue(account, vm, service));
    return part === "cert" ? leaves.get(id)!.certPem : leaves.get(id)!.keyPem;
}
