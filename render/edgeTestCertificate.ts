/**
 * A test certificate of the kind OCI's load balancer serves (ECDSA P-256, signed by an ECDSA
 * P-256 CA): what the offline plan's HTTPS listeners carry when the stack has no real edge
 * certificate, and what the lab's load-balancer stand-in presents.
 *
 * The internal CA's Ed25519 (render/internalPki.ts) would not do: OCI takes RSA and ECDSA only.
 * ECDSA needs a fresh nonce per signature, and `node:crypto` draws it at random, so a plan
 * certificate signed by it would change on every run (and with it the certificate's name, which
 * carries its hash). Here the keys are derived from a label with HKDF and the signatures are
 * RFC 6979's deterministic ECDSA (render/deterministicEcdsa.ts): the same label gives the same
 * PEM on every run. A label is public, so is the key: this is never a real edge's certificate.
 */
import { createHash, randomBytes } from "node:crypto";
import { ecdsaKeyFromSeed } from "./deterministicEcdsa";
import { ecdsaCa, ecdsaServerLeaf } from "./ecdsaCertificates";
import type { CertifiedKey } from "./internalPki";

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
    const issuer = ecdsaCa(caName, ca, { serialLabel: `edge-ca:${caName}`, notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    const certified = ecdsaServerLeaf(issuer, leaf, commonName, names, { serialLabel: `edge-leaf:${caName}:${commonName}`, notBefore: NOT_BEFORE, notAfter: NOT_AFTER });
    return { ...certified, caPem: issuer.certPem };
}
