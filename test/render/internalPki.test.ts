/** The private CA: deterministic PEM, chains OpenSSL accepts for the VM's names, keys that match. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { internalCaFromSeed, issueLeaf, leafSecretPaths, leafSubjectOf, PKI_CA_CERT_SECRET, pkiSecretValues } from "../../render/internalPki";
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

    it("refuses a leaf path that names no VM", () => {
        const ca = internalCaFromSeed(SEED);
        expect(() => pkiSecretValues(plan, ca, ["secret/pki/leaf/nobody/none/vault/cert"])).toThrow(/names no VM/);
    });
});
