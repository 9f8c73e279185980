/**
 * The stack's edge certificate is refused before any resource exists when OCI's load balancer
 * would refuse it (an Ed25519 or short RSA key, a key that is not the certificate's, outside its
 * validity, names that do not cover the topology's edge host names), and the offline plan's
 * placeholder is of a kind OCI takes, byte-identical from run to run.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { isUserInputError } from "../../model/errors";
import { OFFLINE_EDGE_CERTIFICATE_KEYS, prepareStacks } from "../../offline/stackInputs";
import { edgeTestCertificate } from "../../render/edgeTestCertificate";
import { throwawayTestCertificate } from "../../render/internalPki";
import { edgeCertificateProblems, edgeHostNames } from "../../stacks/edgeCertificate";
import { PROJECT_DIR } from "../../stacks/config";
import { projectCopy } from "../projectCopy";

const NOW = new Date("2026-12-01T00:00:00Z");
const context = { stackFile: "Pulumi.eu.yaml", hostNames: [] as string[], now: NOW };
const messages = (values: Parameters<typeof edgeCertificateProblems>[0], extra: Partial<typeof context> = {}) =>
    edgeCertificateProblems(values, { ...context, ...extra }).map((p) => `${p.path}: ${p.message}`);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A self-signed certificate made by openssl, the tool a user would use. */
function opensslCertificate(keyArgs: string[], subjectAltName: string): { certificate: string; privateKey: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-edge-cert-"));
    dirs.push(dir);
    execFileSync("openssl", ["req", "-x509", ...keyArgs, "-nodes", "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`, "-days", "30", "-subj", "/CN=edge", "-addext", `subjectAltName=${subjectAltName}`], { stdio: "pipe" });
    return { certificate: fs.readFileSync(`${dir}/cert.pem`, "utf8"), privateKey: fs.readFileSync(`${dir}/key.pem`, "utf8") };
}

describe("edge certificate checks", () => {
    it("accepts RSA 2048 and ECDSA P-256/P-384 certificates whose key matches and whose names cover the edge", () => {
        const rsa = opensslCertificate(["-newkey", "rsa:2048"], "DNS:app.example.com");
        expect(edgeCertificateProblems(rsa, { ...context, now: new Date(), hostNames: ["app.example.com"] })).toEqual([]);
        const p384 = opensslCertificate(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], "DNS:*.example.com");
        expect(edgeCertificateProblems(p384, { ...context, now: new Date(), hostNames: ["app.example.com", "rpc.example.com"] })).toEqual([]);
        const p256 = edgeTestCertificate({ dnsNames: ["app.example.com"] });
        expect(edgeCertificateProblems({ certificate: p256.certPem, privateKey: p256.keyPem, caCertificate: p256.caPem }, context)).toEqual([]);
    });

    it("refuses an Ed25519 certificate and key, naming the config keys", () => {
        const ed = throwawayTestCertificate({ dnsNames: ["app.example.com"] });
        expect(messages({ certificate: ed.certPem, privateKey: ed.keyPem })).toEqual([
            "Pulumi.eu.yaml: blitzhub-edge:certificate: the certificate has an Ed25519 key, which OCI's load balancer does not serve (it takes RSA of 2048 bits or more, or ECDSA on P-256 or P-384)",
            "Pulumi.eu.yaml: blitzhub-edge:privateKey: the private key is an Ed25519 key, which OCI's load balancer does not serve (it takes RSA of 2048 bits or more, or ECDSA on P-256 or P-384)",
        ]);
    });

    it("refuses a short RSA key and a P-521 key", () => {
        const short = opensslCertificate(["-newkey", "rsa:1024"], "DNS:app.example.com");
        expect(messages(short, { now: new Date() })).toEqual([
            expect.stringContaining("blitzhub-edge:certificate: the certificate has an RSA 1024-bit key, which OCI's load balancer does not serve"),
            expect.stringContaining("blitzhub-edge:privateKey: the private key is an RSA 1024-bit key"),
        ]);
        const p521 = opensslCertificate(["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"], "DNS:app.example.com");
        expect(messages(p521, { now: new Date() })[0]).toContain("an ECDSA secp521r1 key");
    });

    it("refuses a key that is not the certificate's, and a CA that did not issue it", () => {
        const one = edgeTestCertificate({ dnsNames: ["app.example.com"] });
        const other = edgeTestCertificate({ dnsNames: ["app.example.com"] });
        expect(messages({ certificate: one.certPem, privateKey: other.keyPem, caCertificate: other.caPem })).toEqual([
            "Pulumi.eu.yaml: blitzhub-edge:privateKey: the private key is not the certificate's (its public key differs from the certificate's ECDSA prime256v1 key)",
            "Pulumi.eu.yaml: blitzhub-edge:caCertificate: no certificate in it issued the edge certificate (issuer: O=BlitzHub, CN=BlitzHub edge test CA (not trusted anywhere))",
        ]);
    });

    it("refuses a certificate not valid yet or expired", () => {
        const cert = edgeTestCertificate({ dnsNames: ["app.example.com"] });
        expect(messages({ certificate: cert.certPem }, { now: new Date("2025-06-01T00:00:00Z") })).toEqual([
            "Pulumi.eu.yaml: blitzhub-edge:certificate: the certificate is not valid yet: valid from 2026-01-01T00:00:00.000Z",
        ]);
        expect(messages({ certificate: cert.certPem }, { now: new Date("2050-01-01T00:00:00Z") })).toEqual([
            "Pulumi.eu.yaml: blitzhub-edge:certificate: the certificate expired on 2049-12-31T23:59:59.000Z",
        ]);
    });

    it("refuses names that do not cover the edge host names (a wildcard covers one label)", () => {
        const cert = edgeTestCertificate({ dnsNames: ["*.example.com", "example.com"] });
        expect(messages({ certificate: cert.certPem }, { hostNames: ["app.example.com", "example.com"] })).toEqual([]);
        expect(messages({ certificate: cert.certPem }, { hostNames: ["a.b.example.com", "example.org"] })).toEqual([
            "Pulumi.eu.yaml: blitzhub-edge:certificate: the certificate does not cover a.b.example.com, example.org (its DNS names: *.example.com, example.com), which the topology's HTTPS load balancers serve (loadBalancer.hostNames)",
        ]);
    });

    it("refuses values that are not PEM, without quoting them", () => {
        expect(messages({ certificate: "not a certificate", privateKey: "hunter2-not-a-key" })).toEqual([
            "Pulumi.eu.yaml: blitzhub-edge:certificate: no PEM certificate (-----BEGIN CERTIFICATE-----) in the value",
            "Pulumi.eu.yaml: blitzhub-edge:privateKey: the value is not a PEM private key (PKCS#8, PKCS#1 or SEC1) without a passphrase",
        ]);
    });

    it("the host names to cover are those of the load balancers with an HTTPS listener", () => {
        expect(edgeHostNames([
            { hostNames: ["app.example.com"], listeners: [{ tls: true }] },
            { hostNames: ["rpc.example.com", "app.example.com"], listeners: [{ tls: false }, { tls: true }] },
            { hostNames: ["internal.example.com"], listeners: [{ tls: false }] },
        ])).toEqual(["app.example.com", "rpc.example.com"]);
    });
});

describe("the offline plan's placeholder edge certificate", () => {
    it("is ECDSA P-256 under an ECDSA CA, passes the checks, and is the same on every run", () => {
        const [first] = prepareStacks({ stacks: ["eu"] });
        const [second] = prepareStacks({ stacks: ["eu"] });
        const [certificate, privateKey, caCertificate] = OFFLINE_EDGE_CERTIFICATE_KEYS.map((k) => first.config[k]);
        expect(OFFLINE_EDGE_CERTIFICATE_KEYS.map((k) => second.config[k])).toEqual([certificate, privateKey, caCertificate]);
        expect(first.secretKeys).toEqual(expect.arrayContaining([...OFFLINE_EDGE_CERTIFICATE_KEYS]));
        const leaf = new X509Certificate(certificate);
        expect(leaf.publicKey.asymmetricKeyType).toBe("ec");
        expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
        expect(leaf.verify(new X509Certificate(caCertificate).publicKey)).toBe(true);
        expect(edgeCertificateProblems({ certificate, privateKey, caCertificate }, { ...context, now: new Date() })).toEqual([]);
        // openssl agrees with node: the chain verifies.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-edge-chain-"));
        dirs.push(dir);
        fs.writeFileSync(`${dir}/ca.pem`, caCertificate);
        fs.writeFileSync(`${dir}/leaf.pem`, certificate);
        expect(execFileSync("openssl", ["verify", "-CAfile", `${dir}/ca.pem`, `${dir}/leaf.pem`], { encoding: "utf8" })).toContain(": OK");
    });

    it("covers the topology's edge host names when it names them", () => {
        const dir = projectCopy();
        dirs.push(dir);
        const topology = path.join(dir, "blitzhub.yaml");
        const text = fs.readFileSync(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"), "utf8");
        fs.writeFileSync(topology, addHostNames(text, "app.blitzhub.example"));
        const [eu] = prepareStacks({ stacks: ["eu"], projectDir: dir, topologyFile: topology });
        expect(eu.plan.accounts.find((a) => a.name === "EU-FE-01")!.loadBalancer.hostNames).toEqual(["app.blitzhub.example"]);
        expect(new X509Certificate(eu.config["blitzhub-edge:certificate"]).subjectAltName).toBe("DNS:blitzhub.invalid, DNS:app.blitzhub.example");
    });
});

/** The frontend role's load balancer with `hostNames: [name]`. */
function addHostNames(topology: string, name: string): string {
    const marker = "    loadBalancer:\n      name: lb\n      bandwidthMbps: { min: 10, max: 10 }   # Always Free flexible LB: 10 Mbps min = max\n      listeners:\n        # HTTPS";
    expect(topology.split(marker).length).toBe(2);
    return topology.replace(marker, marker.replace("      listeners:", `      hostNames: [${name}]\n      listeners:`));
}

describe("a stack file whose edge certificate OCI would refuse", () => {
    it("is refused before anything is planned, naming the file, the key and its line", () => {
        const dir = projectCopy();
        dirs.push(dir);
        const eu = path.join(dir, "Pulumi.eu.yaml");
        const ed = throwawayTestCertificate({ dnsNames: ["app.example.com"] });
        const text = fs.readFileSync(eu, "utf8");
        const block = ed.certPem.trim().split("\n").map((l) => `    ${l}`).join("\n");
        fs.writeFileSync(eu, `${text.trimEnd()}\n  blitzhub-edge:certificate: |\n${block}\n  blitzhub-edge:privateKey:\n    secure: v1:AAAAAAAAAAAAAAAA\n`);
        const line = fs.readFileSync(eu, "utf8").split("\n").findIndex((l) => l.startsWith("  blitzhub-edge:certificate:")) + 1;
        let problems: string[] = [];
        try {
            prepareStacks({ stacks: ["eu"], projectDir: dir, topologyFile: path.join(PROJECT_DIR, "topology", "blitzhub.yaml") });
        } catch (error) {
            if (!isUserInputError(error)) throw error;
            problems = error.problems.map((p) => `${p.path}:${p.line}: ${p.message}`);
        }
        // The encrypted private key cannot be read offline: only the certificate is judged here.
        expect(problems).toEqual([`Pulumi.eu.yaml: blitzhub-edge:certificate:${line}: the certificate has an Ed25519 key, which OCI's load balancer does not serve (it takes RSA of 2048 bits or more, or ECDSA on P-256 or P-384)`]);
    });
});
