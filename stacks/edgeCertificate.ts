/**
 * What OCI's load balancer would refuse in the stack's edge certificate, found before any
 * resource exists (exit 2) instead of as a failed `CreateCertificate` halfway through an `up`.
 *
 * OCI's load balancer serves RSA and ECDSA certificates ("RSA-based ciphers require RSA
 * certificates and ECDSA-based ciphers require ECDSA certificates", Oracle's "Cipher Suites for
 * Load Balancers" and the SDKs' `SSLConfiguration.cipherSuiteName`), not Ed25519. Pure: reads
 * PEM with `node:crypto`, no Pulumi.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import type { Problem } from "../model/errors";

/** Config namespace of the edge certificate. */
export const EDGE_CONFIG_NAMESPACE = "blitzhub-edge";

/** The key types OCI's listeners take, with what a `KeyObject` reports for them. */
export const ACCEPTED_EDGE_KEYS = "RSA of 2048 bits or more, or ECDSA on P-256 or P-384";
const ACCEPTED_CURVES = new Set(["prime256v1", "secp384r1"]);
const MIN_RSA_BITS = 2048;

/** The edge certificate's config values; `undefined` when not known here (absent, or encrypted offline). */
export interface EdgeCertificateValues {
    certificate?: string;
    privateKey?: string;
    caCertificate?: string;
}

export interface EdgeCertificateContext {
    /** `Pulumi.eu.yaml`, named in every problem. */
    stackFile: string;
    /** Public names the topology gives the stack's HTTPS load balancers: the certificate must cover each. */
    hostNames: readonly string[];
    /** The time the certificate must be valid at. */
    now: Date;
    /** Line of a config key (`blitzhub-edge:certificate`) in the stack file, when known. */
    lineOf?: (key: string) => number | undefined;
}

function keyDescription(key: KeyObject): string {
    const details = key.asymmetricKeyDetails ?? {};
    if (key.asymmetricKeyType === "rsa") return `RSA ${details.modulusLength ?? "?"}-bit`;
    if (key.asymmetricKeyType === "ec") return `ECDSA ${details.namedCurve ?? "?"}`;
    return String(key.asymmetricKeyType).replace(/^ed/, "Ed");
}

/** Why OCI would refuse this key type, or undefined when it takes it. */
function unsupportedKey(key: KeyObject): string | undefined {
    const details = key.asymmetricKeyDetails ?? {};
    if (key.asymmetricKeyType === "rsa" && (details.modulusLength ?? 0) >= MIN_RSA_BITS) return undefined;
    if (key.asymmetricKeyType === "ec" && ACCEPTED_CURVES.has(details.namedCurve ?? "")) return undefined;
    return `an ${keyDescription(key)} key, which OCI's load balancer does not serve (it takes ${ACCEPTED_EDGE_KEYS})`;
}

/** Every certificate in a PEM bundle, in order. */
function parseCertificates(pem: string): X509Certificate[] {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((block) => new X509Certificate(block));
}

/** RFC 6125 matching of one DNS name against one SAN entry (a wildcard covers one left-most label). */
function nameCovers(pattern: string, host: string): boolean {
    const p = pattern.toLowerCase().replace(/\.$/, "");
    const h = host.toLowerCase().replace(/\.$/, "");
    if (!p.startsWith("*.")) return p === h;
    const rest = p.slice(1);
    return h.endsWith(rest) && !h.slice(0, -rest.length).includes(".") && h.length > rest.length;
}

function dnsNames(certificate: X509Certificate): string[] {
    return (certificate.subjectAltName ?? "")
        .split(/,\s*/)
        .filter((entry) => entry.startsWith("DNS:"))
        .map((entry) => entry.slice(4));
}

/**
 * Problems with the stack's edge certificate that OCI would refuse or browsers would reject:
 * an unsupported key type, a key that is not the certificate's, a certificate outside its
 * validity period, one whose names do not cover the edge host names, or PEM that does not
 * parse. Each problem names the stack file and the config key. Values not known are skipped.
 */
export function edgeCertificateProblems(values: EdgeCertificateValues, context: EdgeCertificateContext): Problem[] {
    const problems: Problem[] = [];
    const at = (key: keyof EdgeCertificateValues, message: string) => {
        const fullKey = `${EDGE_CONFIG_NAMESPACE}:${key}`;
        const line = context.lineOf?.(fullKey);
        problems.push({ path: `${context.stackFile}: ${fullKey}`, ...(line === undefined ? {} : { line }), message });
    };

    let leaf: X509Certificate | undefined;
    if (values.certificate !== undefined) {
        try {
            leaf = parseCertificates(values.certificate)[0];
            if (leaf === undefined) at("certificate", "no PEM certificate (-----BEGIN CERTIFICATE-----) in the value");
        } catch (error) {
            at("certificate", `the PEM certificate does not parse (${(error as Error).message})`);
        }
    }
    if (leaf) {
        const why = unsupportedKey(leaf.publicKey);
        if (why) at("certificate", `the certificate has ${why}`);
        const notBefore = new Date(leaf.validFrom);
        const notAfter = new Date(leaf.validTo);
        if (context.now < notBefore) at("certificate", `the certificate is not valid yet: valid from ${notBefore.toISOString()}`);
        if (context.now > notAfter) at("certificate", `the certificate expired on ${notAfter.toISOString()}`);
        const names = dnsNames(leaf);
        const uncovered = context.hostNames.filter((host) => !names.some((name) => nameCovers(name, host)));
        if (uncovered.length > 0) {
            at("certificate", `the certificate does not cover ${uncovered.join(", ")} (its DNS names: ${names.length > 0 ? names.join(", ") : "none"}), which the topology's HTTPS load balancers serve (loadBalancer.hostNames)`);
        }
    }

    if (values.privateKey !== undefined) {
        let key: KeyObject | undefined;
        try {
            key = createPrivateKey(values.privateKey);
        } catch {
            // The parser's message can quote the input: say only that it did not parse.
            at("privateKey", "the value is not a PEM private key (PKCS#8, PKCS#1 or SEC1) without a passphrase");
        }
        if (key) {
            const why = unsupportedKey(key);
            if (why) at("privateKey", `the private key is ${why}`);
            else if (leaf && !leaf.checkPrivateKey(key)) {
                at("privateKey", `the private key is not the certificate's (its public key differs from the certificate's ${keyDescription(leaf.publicKey)} key)`);
            }
        }
    }

    if (values.caCertificate !== undefined) {
        let chain: X509Certificate[] = [];
        try {
            chain = parseCertificates(values.caCertificate);
            if (chain.length === 0) at("caCertificate", "no PEM certificate (-----BEGIN CERTIFICATE-----) in the value");
        } catch (error) {
            at("caCertificate", `the PEM certificate does not parse (${(error as Error).message})`);
        }
        if (leaf && chain.length > 0 && !chain.some((ca) => leaf!.checkIssued(ca) && leaf!.verify(ca.publicKey))) {
            at("caCertificate", `no certificate in it issued the edge certificate (issuer: ${leaf.issuer.replace(/\n/g, ", ")})`);
        }
        for (const ca of chain) {
            if (context.now > new Date(ca.validTo)) at("caCertificate", `the CA certificate ${ca.subject.replace(/\n/g, ", ")} expired on ${new Date(ca.validTo).toISOString()}`);
        }
    }
    return problems;
}

/** The host names the stack's certificate must cover: those of every load balancer with an HTTPS listener. */
export function edgeHostNames(loadBalancers: readonly { hostNames: readonly string[]; listeners: readonly { tls: boolean }[] }[]): string[] {
    return [...new Set(loadBalancers.filter((lb) => lb.listeners.some((l) => l.tls)).flatMap((lb) => lb.hostNames))];
}
