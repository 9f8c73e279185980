/**
 * What the real program registers for the hop from the public load balancers to Nginx and the RPC
 * gateway: a CA-only bundle of the backend CA per load balancer (the same CA in every stack), backend
 * sets that re-encrypt and verify it, backends on the TLS ports, and the lb subnet admitted to
 * those ports only.
 */
import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedResource, PlannedStack } from "../../offline/engine";
import { sharedPlan } from "../sharedPlan";

let planned: PlannedStack[];
beforeAll(async () => {
    planned = await sharedPlan();
}, 600_000);

const all = () => planned.flatMap((s) => s.resources);
const ofType = (type: string) => all().filter((r) => r.type === type);
const inputs = (r: PlannedResource) => r.inputs as Record<string, any>;

describe("load balancer → backend TLS in the plan", () => {
    it("gives each of the 7 public load balancers the backend CA as a CA-only bundle, the same CA in every stack", () => {
        const bundles = ofType("oci:LoadBalancer/certificate:Certificate").filter((r) => r.name.endsWith("-backend-ca"));
        expect(bundles.map((r) => r.account).sort()).toEqual(["AS-FE-01", "AS-SOL-01", "AU-FE-01", "EU-FE-01", "EU-SOL-01", "NA-FE-01", "SA-FE-01"]);
        for (const b of bundles) {
            expect(inputs(b).publicCertificate, b.name).toBeUndefined();
            expect(inputs(b).privateKey, b.name).toBeUndefined();
        }
        const pems = new Set(bundles.map((b) => inputs(b).caCertificate as string));
        expect(pems.size).toBe(1);
        const ca = new X509Certificate([...pems][0]);
        expect(ca.ca).toBe(true);
        expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
        expect(ca.subject).toMatch(/BlitzHub backend CA/);
        expect(new Set(bundles.map((b) => inputs(b).certificateName)).size).toBe(1);
    });

    it("re-encrypts every public backend set, verifying the bundle, with health checks over TLS on the backends' port", () => {
        const bundleName = inputs(ofType("oci:LoadBalancer/certificate:Certificate").find((r) => r.name.endsWith("-backend-ca"))!).certificateName;
        const sets = ofType("oci:LoadBalancer/backendSet:BackendSet").filter((r) => /^(eu|na|sa|as|au)-(fe|sol)-01-lb-/.test(r.name));
        expect(sets.map((r) => r.name).sort()).toEqual([
            "as-fe-01-lb-web-backend-set", "as-sol-01-lb-rpc-backend-set", "au-fe-01-lb-web-backend-set", "eu-fe-01-lb-web-backend-set",
            "eu-sol-01-lb-rpc-backend-set", "na-fe-01-lb-web-backend-set", "sa-fe-01-lb-web-backend-set",
        ]);
        for (const set of sets) {
            expect(inputs(set).sslConfiguration, set.name).toEqual({
                certificateName: bundleName,
                verifyPeerCertificate: true,
                verifyDepth: 1,
                protocols: ["TLSv1.2", "TLSv1.3"],
                cipherSuiteName: "oci-tls-12-13-wider-ssl-cipher-suite-v1",
            });
            const port = set.name.includes("-web-") ? 443 : 8443;
            expect(inputs(set).healthChecker, set.name).toMatchObject({ protocol: "HTTP", urlPath: "/health", isForcePlainText: false });
            // Checked on each backend's own port (OCI: no port = the Backend object's port).
            expect(inputs(set).healthChecker.port, set.name).toBeUndefined();
            const backends = ofType("oci:LoadBalancer/backend:Backend").filter((b) => b.parent === set.parent && inputs(b).backendsetName === inputs(set).name);
            expect(backends.length, set.name).toBeGreaterThan(0);
            for (const b of backends) expect(inputs(b).port, b.name).toBe(port);
        }
        // Private load balancers are untouched (TCP pass-through or the internal CA's own TLS).
        const privateSets = ofType("oci:LoadBalancer/backendSet:BackendSet").filter((r) => !sets.includes(r));
        expect(privateSets.length).toBeGreaterThan(0);
        for (const set of privateSets) expect(inputs(set).sslConfiguration, set.name).toBeUndefined();
    });

    it("admits the lb subnet to Nginx and the gateway on their TLS ports only, and holds no backend key in any input", () => {
        const rules = ofType("oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule").filter((r) => /-vm-(app|edge-\d|rpc-gateway)-tcp-/.test(r.name) && /lb backend set/.test(String(inputs(r).description)));
        expect(rules.length).toBe(17);
        for (const r of rules) {
            const range = inputs(r).tcpOptions.destinationPortRange;
            expect([443, 8443], r.name).toContain(range.min);
            expect(range.max).toBe(range.min);
        }
        const text = JSON.stringify(all().map((r) => r.inputs));
        expect(text).not.toMatch(/BEGIN (EC )?PRIVATE KEY/);
    });
});
