/** The backend CA: ECDSA P-256 from the deployment seed, leaves for the load balancer's backends that verify, byte-identical PEM. */
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
    BACKEND_CA_CERT_SECRET,
    backendCaFromSeed,
    backendCaOf,
    backendLeafSecretPaths,
    backendPkiSecretValues,
    backendTlsFiles,
    isBackendPkiSecretPath,
    issueBackendLeaf,
} from "../../render/backendPki";
import { DEFAULT_PKI_VALIDITY, internalCaFromSeed, isPkiSecretPath } from "../../render/internalPki";
import { realPlan } from "./fixtures";

const SEED = Buffer.alloc(32, 7).toString("base64");
const OTHER_SEED = Buffer.alloc(32, 8).toString("base64");

describe("backend CA (load balancer → Nginx / RPC gateway)", () => {
    const { plan } = realPlan();
    const account = plan.accounts.find((a) => a.name === "EU-FE-01")!;
    const vm = account.vms.find((v) => v.name === "edge-1")!;

    it("is ECDSA P-256, a CA, within the internal CA's validity window, and the same PEM for the same seed", () => {
        const ca = backendCaFromSeed(SEED);
        expect(backendCaFromSeed(SEED).certPem).toBe(ca.certPem);
        expect(backendCaFromSeed(OTHER_SEED).certPem).not.toBe(ca.certPem);
        // Derived from the internal CA's seed: the same CA whichever way it is reached.
        expect(backendCaOf(internalCaFromSeed(SEED)).certPem).toBe(ca.certPem);
        const x = new X509Certificate(ca.certPem);
        expect(x.ca).toBe(true);
        expect(x.publicKey.asymmetricKeyType).toBe("ec");
        expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
        expect(x.verify(x.publicKey)).toBe(true);
        expect(new Date(x.validFrom).toISOString()).toBe(DEFAULT_PKI_VALIDITY.notBefore.toISOString());
        expect(new Date(x.validTo).toISOString()).toBe(DEFAULT_PKI_VALIDITY.caNotAfter.toISOString());
    });

    it("issues a leaf per VM and service: verified by the CA, not by another seed's CA, its one name the VM's private IP", () => {
        const ca = backendCaFromSeed(SEED);
        const leaf = issueBackendLeaf(ca, account, vm, "nginx");
        expect(issueBackendLeaf(backendCaFromSeed(SEED), account, vm, "nginx")).toEqual(leaf);
        const x = new X509Certificate(leaf.certPem);
        const caX = new X509Certificate(ca.certPem);
        expect(x.ca).toBe(false);
        expect(x.checkIssued(caX)).toBe(true);
        expect(x.verify(caX.publicKey)).toBe(true);
        expect(x.verify(new X509Certificate(backendCaFromSeed(OTHER_SEED).certPem).publicKey)).toBe(false);
        expect(x.publicKey.asymmetricKeyType).toBe("ec");
        expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
        expect(x.subjectAltName).toBe(`IP Address:${vm.privateIp}`);
        expect(x.checkIP(vm.privateIp)).toBe(vm.privateIp);
        expect(x.checkIP("10.255.255.1")).toBeUndefined();
        expect(new Date(x.validFrom).toISOString()).toBe(DEFAULT_PKI_VALIDITY.notBefore.toISOString());
        expect(new Date(x.validTo).toISOString()).toBe(DEFAULT_PKI_VALIDITY.leafNotAfter.toISOString());
        expect(x.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
        // The key is the certificate's.
        expect(createPublicKey(createPrivateKey(leaf.keyPem)).export({ format: "der", type: "spki" })).toEqual(x.publicKey.export({ format: "der", type: "spki" }));
        // Another VM, another key.
        const other = issueBackendLeaf(ca, account, account.vms.find((v) => v.name === "edge-2")!, "nginx");
        expect(other.keyPem).not.toBe(leaf.keyPem);
    });

    it("reaches the VM only as placeholders, filled from the plan's names; a path naming no VM is refused", () => {
        const tls = backendTlsFiles(account, vm, "nginx", { dir: "/etc/nginx/tls" });
        expect(tls.files.map((f) => [f.path, f.mode, f.owner])).toEqual([
            ["/etc/nginx/tls/nginx-backend.crt", "0644", "root"],
            ["/etc/nginx/tls/nginx-backend.key", "0600", "root"],
        ]);
        for (const f of tls.files) expect(f.content).toMatch(/^@@secret:secret\/pki\/backend\/leaf\/eu_fe_01\/edge_1\/nginx\/(cert|key)@@$/);
        const paths = backendLeafSecretPaths(account, vm, "nginx");
        expect([paths.cert, paths.key, BACKEND_CA_CERT_SECRET].every(isBackendPkiSecretPath)).toBe(true);
        // The internal CA's filler leaves them alone (they are not Ed25519 leaves).
        expect([paths.cert, paths.key, BACKEND_CA_CERT_SECRET].some(isPkiSecretPath)).toBe(false);
        const ca = backendCaFromSeed(SEED);
        const values = backendPkiSecretValues(plan, ca, [paths.cert, paths.key, BACKEND_CA_CERT_SECRET]);
        expect(values[paths.cert]).toBe(issueBackendLeaf(ca, account, vm, "nginx").certPem);
        expect(values[paths.key]).toMatch(/^-----BEGIN PRIVATE KEY-----/);
        expect(values[BACKEND_CA_CERT_SECRET]).toBe(ca.certPem);
        expect(() => backendPkiSecretValues(plan, ca, ["secret/pki/backend/leaf/eu_fe_01/nope/nginx/cert"])).toThrow(/names no VM of the plan/);
    });

    it("every public load balancer's backend serves its backend set's port over TLS with its own leaf, as placeholders only", () => {
        const { files } = realPlan();
        let checked = 0;
        for (const a of plan.accounts.filter((x) => x.loadBalancer.public)) {
            for (const set of a.loadBalancer.backendSets) {
                for (const b of set.backends) {
                    const own = files.filter((f) => f.account === a.name && f.vm === b.vm && f.service === set.service);
                    const conf = own.find((f) => f.path.startsWith("/etc/nginx/conf.d/"))!;
                    expect(conf.content, `${a.name}/${b.vm}`).toMatch(new RegExp(`^\\s*listen ${set.port} ssl default_server;\\n\\s*include /etc/nginx/snippets/backend-tls.conf;`, "m"));
                    const snippet = own.find((f) => f.path === "/etc/nginx/snippets/backend-tls.conf")!;
                    const vm = a.vms.find((v) => v.name === b.vm)!;
                    const paths = backendLeafSecretPaths(a, vm, set.service);
                    expect(own.find((f) => f.path === /ssl_certificate (\S+);/.exec(snippet.content)![1])!.content.trim()).toBe(`@@secret:${paths.cert}@@`);
                    expect(own.find((f) => f.path === /ssl_certificate_key (\S+);/.exec(snippet.content)![1])!.content.trim()).toBe(`@@secret:${paths.key}@@`);
                    checked++;
                }
            }
        }
        expect(checked).toBe(17);
        expect(files.filter((f) => /-----BEGIN/.test(f.content)).map((f) => `${f.account}/${f.vm}:${f.path}`)).toEqual([]);
    });
});
