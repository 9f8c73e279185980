/**
 * ECDSA P-256 keys and signatures that are the same on every run: keys derived from a seed with
 * HKDF, signatures by `@noble/curves` with RFC 6979 nonces (derived from the key and the message,
 * no extra entropy). `node:crypto` draws ECDSA nonces at random, which would change every
 * certificate (and with it a plan, a baseline, a delivery hash) on every run.
 *
 * OCI's load balancer takes RSA and ECDSA certificates only (Ed25519 it refuses), which is why the
 * edge test certificate and the backend CA (render/backendPki.ts) use this, and the internal CA
 * (Ed25519, deterministic by construction) does not.
 */
import { createPrivateKey, hkdfSync, type KeyObject } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { AlgorithmIdentifier, Certificate, type TBSCertificate } from "@peculiar/asn1-x509";
import { AsnConvert } from "@peculiar/asn1-schema";
import { pem } from "./internalPki";

/** ecdsa-with-SHA256 (RFC 5758). */
export const ID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

/** An ECDSA P-256 private key: its scalar (32 bytes, big-endian) and the same key as a `KeyObject`. */
export interface EcdsaKey {
    secret: Uint8Array;
    key: KeyObject;
}

/** The P-256 key of `label` under `seed` and `salt` (HKDF-SHA256): the same inputs, the same key. */
export function ecdsaKeyFromSeed(seed: Buffer, salt: string, label: string): EcdsaKey {
    // 48 bytes reduced to a valid scalar (FIPS 186-5 A.2.1: the extra bytes make the bias negligible).
    const secret = p256.utils.randomSecretKey(new Uint8Array(hkdfSync("sha256", seed, Buffer.from(salt), Buffer.from(label, "utf8"), 48)));
    const point = p256.getPublicKey(secret, false);
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
    const key = createPrivateKey({ key: { kty: "EC", crv: "P-256", d: b64(secret), x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) }, format: "jwk" });
    return { secret, key };
}

/** ECDSA P-256 / SHA-256 with an RFC 6979 nonce: the same input, the same signature (DER). */
export function deterministicEcdsaSign(message: Buffer, signer: EcdsaKey): Buffer {
    return Buffer.from(p256.sign(message, signer.secret, { prehash: true, format: "der", extraEntropy: false, lowS: false }));
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
