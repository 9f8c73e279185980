/**
 * ECDSA P-256 keys and signatures that are the same on every run: keys derived from a seed with
 * HKDF, signature nonces derived from the key and the message (deterministic ECDSA in the spirit
 * of RFC 6979). `node:crypto` draws ECDSA nonces at random, which would change every certificate
 * (and with it a plan, a baseline, a delivery hash) on every run. The point multiplication is
 * `node:crypto`'s ECDH; only the final modular arithmetic is BigInt.
 *
 * OCI's load balancer takes RSA and ECDSA certificates only (Ed25519 it refuses), which is why the
 * edge test certificate and the backend CA (render/backendPki.ts) use this, and the internal CA
 * (Ed25519, deterministic by construction) does not.
 */
import { createECDH, createHash, createPrivateKey, hkdfSync, type KeyObject } from "node:crypto";
import { AlgorithmIdentifier, Certificate, type TBSCertificate } from "@peculiar/asn1-x509";
import { AsnConvert } from "@peculiar/asn1-schema";
import { pem } from "./internalPki";

/** ecdsa-with-SHA256 (RFC 5758). */
export const ID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
/** Order of the P-256 group. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/**
 * HKDF salt of the signature nonces. It is the edge test certificate's salt, where nonces were
 * first derived: another value would change that certificate's signatures, its name and the plan.
 */
const NONCE_SALT = "blitzhub-edge-test-certificate";

/** An ECDSA P-256 private key: its scalar and the same key as a `KeyObject`. */
export interface EcdsaKey {
    d: bigint;
    key: KeyObject;
}

function toBigInt(bytes: Buffer): bigint {
    return BigInt(`0x${bytes.toString("hex") || "0"}`);
}

function toBytes(value: bigint): Buffer {
    return Buffer.from(value.toString(16).padStart(64, "0"), "hex");
}

/** A scalar in [1, n-1] from 48 bytes of HKDF output (the extra bytes make the bias negligible). */
function scalar(seed: Buffer, salt: string, label: string): bigint {
    const bytes = Buffer.from(hkdfSync("sha256", seed, Buffer.from(salt), Buffer.from(label, "utf8"), 48));
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

/** The P-256 key of `label` under `seed` and `salt` (HKDF-SHA256): the same inputs, the same key. */
export function ecdsaKeyFromSeed(seed: Buffer, salt: string, label: string): EcdsaKey {
    const d = scalar(seed, salt, label);
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

/** ECDSA P-256 / SHA-256 with a nonce derived from the key and the message: the same input, the same signature (DER). */
export function deterministicEcdsaSign(message: Buffer, signer: EcdsaKey): Buffer {
    const z = toBigInt(createHash("sha256").update(message).digest());
    for (let attempt = 0; ; attempt++) {
        const k = scalar(Buffer.concat([toBytes(signer.d), toBytes(z)]), NONCE_SALT, `nonce:${attempt}`);
        const r = toBigInt(publicPoint(k).subarray(1, 33)) % P256_ORDER;
        const s = (modPow(k, P256_ORDER - 2n, P256_ORDER) * ((z + r * signer.d) % P256_ORDER)) % P256_ORDER;
        if (r === 0n || s === 0n) continue;
        const body = Buffer.concat([derInteger(r), derInteger(s)]);
        return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    }
}

/** `tbs` signed by `signer` (ecdsa-with-SHA256), as PEM. */
export function signEcdsaCertificate(tbs: TBSCertificate, signer: EcdsaKey): string {
    const signature = deterministicEcdsaSign(Buffer.from(AsnConvert.serialize(tbs)), signer);
    const certificate = new Certificate({
        tbsCertificate: tbs,
        signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        signatureValue: new Uint8Array(signature).buffer,
    });
    return pem("CERTIFICATE", AsnConvert.serialize(certificate));
}
