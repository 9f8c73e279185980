/** The private CA: deterministic PEM, chains OpenSSL accepts for the VM's names, keys that match. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderCloudInit } from "../../render/index";
import { derivedPasswordPath, INTERNAL_CA_TRUST_PATH, internalCaFromSeed, issueLeaf, leafSecretPaths, leafSubjectOf, PKI_CA_CERT_SECRET, pkiSecretValues } from "../../render/internalPki";
import { realPlan } from "./fixtures";

const SEED = Buffer.alloc(32, 7).toString("base64");
const OTHER_SEED = Buffer.alloc(32, 8).toString("base64");
const dir = mkdtempSync(join(tmpdir(), "blitzhub-pki-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[], input?: string): string {
    return execFileSync("openssl", args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}
function file(name: string, content: string): string {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
}

describe("internal PKI", () => {
    const { plan } = realPlan();
    const account = plan.accounts.find((a) => a.vms.some((v) => v.services.some((s) => s.service === "vault")))!;
    const vm = account.vms.find((v) => v.services.some((s) => s.service === "vault"))!;

    it("gives byte-identical PEM for the same seed, and another CA for another seed", () => {
        const a = internalCaFromSeed(SEED);
        const b = internalCaFromSeed(SEED);
        expect(a.certPem).toBe(b.certPem);
        expect(a.keyPem).toBe(b.keyPem);
        expect(issueLeaf(a, leafSubjectOf(account, vm, "vault"))).toEqual(issueLeaf(b, leafSubjectOf(account, vm, "vault")));
        expect(internalCaFromSeed(OTHER_SEED).certPem).not.toBe(a.certPem);
    });

    it("issues a leaf OpenSSL verifies against the CA for the VM's IP and hostname, and refuses another CA's", () => {
        const ca = internalCaFromSeed(SEED);
        const refs = Object.values(leafSecretPaths(account, vm, "vault"));
        const values = pkiSecretValues(plan, ca, [PKI_CA_CERT_SECRET, ...refs]);
        const caFile = file("ca.pem", values[PKI_CA_CERT_SECRET]);
        const leafFile = file("leaf.pem", values[refs[0]]);
        const keyFile = file("leaf.key", values[refs[1]]);
        const text = openssl(["x509", "-in", caFile, "-noout", "-text"]);
        expect(text).toMatch(/CA:TRUE, pathlen:0/);
        expect(text).toMatch(/Not Before: Jan  1 00:00:00 2026 GMT/);
        expect(openssl(["verify", "-CAfile", caFile, "-verify_ip", vm.privateIp, "-purpose", "sslserver", leafFile])).toMatch(/: OK/);
        expect(openssl(["verify", "-CAfile", caFile, "-verify_hostname", vm.resourceName, "-purpose", "sslclient", leafFile])).toMatch(/: OK/);
        expect(() => openssl(["verify", "-CAfile", caFile, "-verify_ip", "10.255.255.1", leafFile])).toThrow();
        const otherCa = file("other.pem", internalCaFromSeed(OTHER_SEED).certPem);
        expect(() => openssl(["verify", "-CAfile", otherCa, leafFile])).toThrow();
        // The key is the certificate's.
        expect(openssl(["pkey", "-in", keyFile, "-pubout"])).toBe(openssl(["x509", "-in", leafFile, "-noout", "-pubkey"]));
    });

    it("cloud-init writes the CA into the trust store and runs update-ca-certificates; every VM's deliveries carry it too", () => {
        const ca = internalCaFromSeed(SEED);
        const doc = parse(renderCloudInit(plan, account.name, vm.name, { internalCaCert: ca.certPem })) as { write_files: { path: string; content: string }[]; runcmd: unknown[] };
        const trust = doc.write_files.find((f) => f.path === INTERNAL_CA_TRUST_PATH);
        expect(trust?.content.trim()).toBe(ca.certPem.trim());
        expect(doc.runcmd).toContainEqual(["update-ca-certificates"]);
        expect(renderCloudInit(plan, account.name, vm.name, {})).not.toContain(INTERNAL_CA_TRUST_PATH);
        const { files } = realPlan();
        const vms = new Set(plan.accounts.flatMap((a) => a.vms.map((v) => `${a.name}/${v.name}`)));
        const withCa = new Set(files.filter((f) => f.path === INTERNAL_CA_TRUST_PATH && f.secretRefs.includes(PKI_CA_CERT_SECRET) && f.mode === "0644").map((f) => `${f.account}/${f.vm}`));
        expect(withCa).toEqual(vms);
    });

    it("derives one password per cluster and user: different across accounts, the same on every run", () => {
        const ca = internalCaFromSeed(SEED);
        const [a, b] = plan.accounts.filter((x) => x.vms.some((v) => v.services.some((s) => s.service === "redis")));
        const paths = [derivedPasswordPath(a, "redis", "app"), derivedPasswordPath(b, "redis", "app"), derivedPasswordPath(a, "redis", "replication")];
        const values = pkiSecretValues(plan, ca, paths);
        expect(new Set(Object.values(values)).size).toBe(3);
        for (const v of Object.values(values)) expect(v).toMatch(/^[A-Za-z0-9]{40}$/);
        expect(pkiSecretValues(plan, internalCaFromSeed(SEED), paths)).toEqual(values);
    });

    it("refuses a leaf path that names no VM", () => {
        const ca = internalCaFromSeed(SEED);
        expect(() => pkiSecretValues(plan, ca, ["secret/pki/leaf/nobody/none/vault/cert"])).toThrow(/names no VM/);
    });
});
