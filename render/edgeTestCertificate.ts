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
import { createECDH, createHash, createPrivateKey, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
import {
    AlgorithmIdentifier,
    AuthorityKeyIdentifier,
    BasicConstraints,
    Certificate,
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
import { AsnConvert } from "@peculiar/asn1-schema";
import { type CertifiedKey, extension, keyIdOf, pem, serialOf, spkiOf, subjectName } from "./internalPki";

/** ecdsa-with-SHA256 (RFC 5758). */
const ID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
/** Order of the P-256 group. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Fixed window, never the clock: valid from 2026 until 2049 (UTCTime's last year). */
const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
const NOT_AFTER = new Date("2049-12-31T23:59:59Z");

function toBigInt(bytes: Buffer): bigint {
    return BigInt(`0x${bytes.toString("hex") || "0"}`);
}

function toBytes(value: bigint): Buffer {
    return Buffer.from(value.toString(16).padStart(64, "0"), "hex");
}

/** A scalar in [1, n-1] from 48 bytes of HKDF output (the extra bytes make the bias negligible). */
function scalar(seed: Buffer, label: string): bigint {
    const bytes = Buffer.from(hkdfSync("sha256", seed, Buffer.from("blitzhub-edge-test-certificate"), Buffer.from(label, "utf8"), 48));
    return (toBigInt(bytes) % (P256_ORDER - 1n)) + 1n;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
    let result = 1n;
    let b = base % modulus;
    for (let e = exponent; e > 0n; e >>= 1n) {
        if (e & 1n) result = (result * b) % modulus;
        b = (b * b) % modulus;
    }
    return result;
}

/** The uncompressed public point `d·G` (0x04 ‖ x ‖ y). */
function publicPoint(d: bigint): Buffer {
    const ecdh = createECDH("prime256v1");
    ecdh.setPrivateKey(toBytes(d));
    return ecdh.getPublicKey();
}

interface EcKey {
    d: bigint;
    key: KeyObject;
}

function ecKey(seed: Buffer, label: string): EcKey {
    const d = scalar(seed, label);
    const point = publicPoint(d);
    const b64 = (bytes: Buffer) => bytes.toString("base64url");
    const key = createPrivateKey({ key: { kty: "EC", crv: "P-256", d: b64(toBytes(d)), x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) }, format: "jwk" });
    return { d, key };
}

function derInteger(value: bigint): Buffer {
    let bytes = Buffer.from(value.toString(16).padStart(2, "0").replace(/^(.(..)*)$/, "0$1"), "hex");
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** ECDSA P-256 / SHA-256 with a nonce derived from the key and the message: the same input, the same signature. */
export function deterministicEcdsaSign(message: Buffer, signer: EcKey): Buffer {
    const z = toBigInt(createHash("sha256").update(message).digest());
    for (let attempt = 0; ; attempt++) {
        const k = scalar(Buffer.concat([toBytes(signer.d), toBytes(z)]), `nonce:${attempt}`);
        const r = toBigInt(publicPoint(k).subarray(1, 33)) % P256_ORDER;
        const s = (modPow(k, P256_ORDER - 2n, P256_ORDER) * ((z + r * signer.d) % P256_ORDER)) % P256_ORDER;
        if (r === 0n || s === 0n) continue;
        const body = Buffer.concat([derInteger(r), derInteger(s)]);
        return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    }
}

function signCertificate(tbs: TBSCertificate, signer: EcKey): string {
    const signature = deterministicEcdsaSign(Buffer.from(AsnConvert.serialize(tbs)), signer);
    const certificate = new Certificate({
        tbsCertificate: tbs,
        signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        signatureValue: new Uint8Array(signature).buffer,
    });
    return pem("CERTIFICATE", AsnConvert.serialize(certificate));
}

/**
 * An ECDSA P-256 certificate for `names` and its ECDSA P-256 CA. With `seedLabel`, derived from
 * that public label (the offline plan: byte-identical on every run); without it, from a random
 * seed (the lab). Never stored; its CA is trusted nowhere.
 */
export function edgeTestCertificate(names: { dnsNames: string[]; ipAddresses?: string[] }, seedLabel?: string): CertifiedKey & { caPem: string } {
    const seed = seedLabel === undefined ? randomBytes(32) : createHash("sha256").update(seedLabel).digest();
    const caName = "BlitzHub edge test CA (not trusted anywhere)";
    const commonName = names.dnsNames[0] ?? "blitzhub.invalid";
    const ca = ecKey(seed, "ca");
    const leaf = ecKey(seed, `leaf:${commonName}`);
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
        certPem: signCertificate(leafTbs, ca),
        keyPem: leaf.key.export({ format: "pem", type: "pkcs8" }).toString(),
        caPem: signCertificate(caTbs, ca),
    };
}
