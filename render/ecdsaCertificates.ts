/**
 * The two certificate shapes of the ECDSA P-256 issuers (the backend CA, render/backendPki.ts,
 * and the edge test certificate, render/edgeTestCertificate.ts): a CA that signs leaves only
 * (path length 0), and a server-authentication leaf naming its DNS names and IP addresses.
 * Signed deterministically (render/deterministicEcdsa.ts): the same inputs, the same PEM.
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
import { type EcdsaKey, ID_ECDSA_WITH_SHA256, signEcdsaCertificate } from "./deterministicEcdsa";
import { type CertifiedKey, extension, keyIdOf, serialOf, spkiOf, subjectName } from "./internalPki";

/** An ECDSA CA: its certificate, and what signing a leaf under it takes. */
export interface EcdsaCa {
    certPem: string;
    /** Its common name, the leaves' issuer. */
    name: string;
    key: EcdsaKey;
    /** Its subject key identifier, the leaves' authority key identifier. */
    keyId: Buffer;
}

/** The validity window and the label its serial number is derived from. */
export interface EcdsaCertificateTerms {
    serialLabel: string;
    notBefore: Date;
    notAfter: Date;
}

/** A self-signed CA named `name` with `key`, allowed to sign leaves only. */
export function ecdsaCa(name: string, key: EcdsaKey, terms: EcdsaCertificateTerms): EcdsaCa {
    const spki = spkiOf(key.key);
    const keyId = keyIdOf(spki);
    const tbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(terms.serialLabel),
        signature: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        issuer: subjectName(name),
        validity: new Validity({ notBefore: terms.notBefore, notAfter: terms.notAfter }),
        subject: subjectName(name),
        subjectPublicKeyInfo: spki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(keyId))),
        ]),
    });
    return { certPem: signEcdsaCertificate(tbs, key), name, key, keyId };
}

/** A server-authentication leaf of `key` under `ca`, named `commonName` and its DNS names and IP addresses. */
export function ecdsaServerLeaf(
    ca: EcdsaCa,
    key: EcdsaKey,
    commonName: string,
    names: { dnsNames?: string[]; ipAddresses?: string[] },
    terms: EcdsaCertificateTerms,
): CertifiedKey {
    const spki = spkiOf(key.key);
    const tbs = new TBSCertificate({
        version: Version.v3,
        serialNumber: serialOf(terms.serialLabel),
        signature: new AlgorithmIdentifier({ algorithm: ID_ECDSA_WITH_SHA256 }),
        issuer: subjectName(ca.name),
        validity: new Validity({ notBefore: terms.notBefore, notAfter: terms.notAfter }),
        subject: subjectName(commonName),
        subjectPublicKeyInfo: spki,
        extensions: new Extensions([
            extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
            extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
            extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
            extension(id_ce_subjectAltName, false, new SubjectAlternativeName([
                ...(names.dnsNames ?? []).map((dNSName) => new GeneralName({ dNSName })),
                ...(names.ipAddresses ?? []).map((iPAddress) => new GeneralName({ iPAddress })),
            ])),
            extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(new Uint8Array(keyIdOf(spki)))),
            extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(new Uint8Array(ca.keyId)) })),
        ]),
    });
    return { certPem: signEcdsaCertificate(tbs, ca.key), keyPem: key.key.export({ format: "pem", type: "pkcs8" }).toString() };
}
