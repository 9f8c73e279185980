/**
 * A test certificate of the kind OCI's load balancer serves (ECDSA P-256, signed by an ECDSA
 * P-256 CA): what the offline plan's HTTPS listeners carry when the stack has no real edge
 * certificate, and what the lab's load-balancer stand-in presents.
 *
 * The internal CA's Ed25519 (render/internalPki.ts) would not do: OCI takes RSA and ECDSA only.
 * ECDSA needs a fresh nonce per signature, and `node:crypto` draws it at random, so a plan
 * certificate signed by it would change on every run (and with it the certificate's name, which
 * carries its hash). Here the keys and the nonce are derived from a label with HKDF
 * (deterministic ECDSA in the spirit of RFC 6979): the same label gives the same PEM on every
 * run. The point multiplication is `node:crypto`'s ECDH; only the final modular arithmetic is
 * BigInt. A label is public, so is the key: this is never a real edge's certificate.
 */
import { createHash, randomBytes } from "node:crypto";
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
import { ecdsaKeyFromSeed, ID_ECDSA_WITH_SHA256, signEcdsaCertificate } from "./deterministicEcdsa";
import { type CertifiedKey, extension, keyIdOf, serialOf, spkiOf, subjectName } from "./internalPki";

/** Fixed window, never the clock: valid from 2026 until 2049 (UTCTime's last year). */
const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
const NOT_AFTER = new Date("2049-12-31T23:59:59Z");
/** HKDF salt of the test certificate's keys. */
const EDGE_TEST_SALT = "blitzhub-edge-test-certificate";


/**
 * An ECDSA P-256 certificate for `names` and its ECDSA P-256 CA. With `seedLabel`, derived from
 * that public label (the offline plan: byte-identical on every run); without it, from a random
 * seed (the lab). Never stored; its CA is trusted nowhere.
 */
export function edgeTestCertificate(names: { dnsNames: string[]; ipAddresses?: string[] }, seedLabel?: string): CertifiedKey & { caPem: string } {
    const seed = seedLabel === undefined ? randomBytes(32) : createHash("sha256").update(seedLabel).digest();
    const caName = "BlitzHub edge test CA (not trusted anywhere)";
    const commonName = names.dnsNames[0] ?? "blitzhub.invalid";
    const ca = ecdsaKeyFromSeed(seed, EDGE_TEST_SALT, "ca");
    const leaf = ecdsaKeyFromSeed(seed, EDGE_TEST_SALT, `leaf:${commonName}`);
    const caSpki = spkiOf(ca.key);
    const caKeyId = keyIdOf(caSpki);
    const caTbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(`edge-ca:${caName}`),
        signature: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        issuer: subjectName(caName),
        validity: new Validity({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER }),
        subject: subjectName(caName),
        subjectPublicKeyInfo: caSpki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(caKeyId))),
        ]),
    });
    const leafSpki = spkiOf(leaf.key);
    const leafTbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(`edge-leaf:${caName}:${commonName}`),
        signature: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        issuer: subjectName(caName),
        validity: new Validity({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER }),
        subject: subjectName(commonName),
        subjectPublicKeyInfo: leafSpki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
            extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
            extension(id_ce_subjectAltName, false, new SubjectAlternativeName([
                ...names.dnsNames.map((dNSName) => new GeneralName({ dNSName })),
                ...(names.ipAddresses ?? []).map((iPAddress) => new GeneralName({ iPAddress })),
            ])),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(keyIdOf(leafSpki)))),
            extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(new Uint8Array(caKeyId)) })),
        ]),
    });
    return {
        certPem: signEcdsaCertificate(leafTbs, ca),
        keyPem: leaf.key.export({ format: "pem", type: "pkcs8" }).toString(),
        caPem: signEcdsaCertificate(caTbs, ca),
    };
}
