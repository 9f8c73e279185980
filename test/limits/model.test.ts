/**
 * Values OCI refuses, refused by the model before any resource exists: each problem names the
 * YAML path and line and links to Oracle's documentation (data/oci-limits.yaml).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isUserInputError, type Problem } from "../../model/errors";
import { parseTopology } from "../../model/load";
import { loadOciLimits, parseOciLimits } from "../../model/ociLimits";
import { PROJECT_ROOT } from "../../model/projectRoot";

const TEXT = readFileSync(`${PROJECT_ROOT}/topology/blitzhub.yaml`, "utf8");
const limits = loadOciLimits();
const url = (id: string) => limits.sources.find((s) => s.id === id)!.url;

/** The problems of a refused topology, each checked to name the file, then without it. */
function problems(text: string): Problem[] {
    try {
        parseTopology(text, "t.yaml");
    } catch (error) {
        if (!isUserInputError(error)) throw error;
        for (const problem of error.problems) expect(problem.file, problem.path).toBe("t.yaml");
        return error.problems.map(({ file: _file, ...problem }) => problem);
    }
    throw new Error("expected the topology to be refused");
}

/** 1-based line of the first occurrence of `needle` (after `from`, when given). */
function lineOf(text: string, needle: string, from = ""): number {
    const start = from ? text.indexOf(from) : 0;
    return text.slice(0, text.indexOf(needle, start)).split("\n").length;
}

describe("OCI limits in the model", () => {
    it("reads the limits file with a source, URL and date for every limit", () => {
        for (const [key, limit] of Object.entries(limits.limits)) {
            const source = limits.sources.find((s) => s.id === limit.source);
            expect(source, key).toBeDefined();
            expect(source!.url).toMatch(/^https:\/\//);
            expect(source!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
        expect(limits.limits.bootVolumeGb).toMatchObject({ min: 50, max: 32768 });
        expect(limits.limits.securityRulesPerNsg.max).toBe(120);
    });

    it("refuses a limits file that names an unknown source, with its line", () => {
        const text = readFileSync(`${PROJECT_ROOT}/data/oci-limits.yaml`, "utf8").replace("source: lb-limits\n  lbBackendSets", "source: nowhere\n  lbBackendSets");
        expect(() => parseOciLimits(text, "limits.yaml")).toThrow(/^limits\.yaml: limits\.lbListeners\.source:\d+: unknown source "nowhere"/);
    });

    it("boot volumes: 47 GB and 40000 GB are outside 50 GB - 32 TB", () => {
        const text = TEXT.replace("bootVolumeGb: 50", "bootVolumeGb: 47").replace(/(edge-1\n(?:.*\n){3}\s*)bootVolumeGb: 50/, "$1bootVolumeGb: 40000");
        expect(problems(text)).toEqual([
            {
                path: "roles.frontend.vms[0].bootVolumeGb",
                line: lineOf(text, "bootVolumeGb: 47"),
                message: `47 GB is outside OCI's boot volume range 50-32768 GB (${url("core-api-launch-instance")})`,
            },
            {
                path: "roles.frontend.vms[1].bootVolumeGb",
                line: lineOf(text, "bootVolumeGb: 40000"),
                message: `40000 GB is outside OCI's boot volume range 50-32768 GB (${url("core-api-launch-instance")})`,
            },
        ]);
    });

    it("a 300-character account name: display names, hostname label and VCN DNS label over OCI's lengths", () => {
        const name = `EU-${"X".repeat(300)}-01`;
        const text = TEXT.replace("{ name: EU-FE-01,", `{ name: ${name},`);
        const slug = name.toLowerCase();
        const line = lineOf(text, name);
        expect(problems(text)).toEqual([
            {
                path: "accounts[0].name",
                line,
                message: `the VCN DNS label "${slug.replace(/-/g, "").slice(0, 24)}…" derived from the account name must be 1-15 letters and digits starting with a letter (304 characters) (${url("dns-in-vcn")})`,
            },
            {
                path: "accounts[0].name",
                line,
                message: `the hostname label "${`${slug}-edge-1`.slice(0, 40)}…" of VM edge-1 is ${slug.length + 7} characters; OCI allows 63 (${url("core-api-vnic")})`,
            },
            {
                path: "accounts[0].name",
                line,
                message: `the display name "${`${slug}-default-security-list`.slice(0, 40)}…" is ${slug.length + 22} characters; OCI allows 255 (${url("core-api-launch-metadata")})`,
            },
        ]);
    });

    it("version: latest is not a version", () => {
        const text = TEXT.replace("    version: 1.24.0\n", "    version: latest\n");
        expect(problems(text)).toContainEqual({
            path: "services.nginx.version",
            line: lineOf(text, "version: latest"),
            message: `"latest" is not a version: pin one such as 1.2.3 (apt installs nginx=<version>*) (${url("apt-version-pins")})`,
        });
    });

    it("more listeners than OCI allows per load balancer", () => {
        const listeners = Array.from({ length: 17 }, (_, i) => `        - { name: l${i}, port: ${8100 + i}, protocol: HTTP, backendSet: web }`).join("\n");
        const frontendListeners =
            "        - { name: https, port: 443, protocol: HTTP, tls: true, backendSet: web, idleTimeoutSeconds: 3600 }\n" +
            "        - { name: http, port: 80, protocol: HTTP, redirectToHttps: true, backendSet: web }";
        expect(TEXT).toContain(frontendListeners);
        const text = TEXT.replace(frontendListeners, listeners);
        expect(problems(text)).toEqual([
            {
                path: "roles.frontend.loadBalancer.listeners",
                line: lineOf(text, "- { name: l0,"),
                message: `17 listeners: OCI allows at most 16 per load balancer (${url("lb-limits")})`,
            },
        ]);
    });
});

describe("secrets in a service's env", () => {
    it("a password in plain text is refused with the catalogue's secret mechanism", () => {
        const text = TEXT.replace("RETENTION: 15d", "RETENTION: 15d\n      ADMIN_PASSWORD: hunter2hunter2");
        expect(problems(text)).toEqual([
            {
                path: "services.prometheus.env.ADMIN_PASSWORD",
                line: lineOf(text, "hunter2hunter2"),
                message:
                    "ADMIN_PASSWORD holds a credential in plain text: declare it under services.prometheus.secrets (e.g. { path: secret/prometheus/admin_password }), " +
                    "which Pulumi generates as a secret and delivers as a @@secret:...@@ placeholder filled on the host, and remove the value from env",
            },
        ]);
    });

    it("a password inside a URL is refused too; a *_FILE path is not a secret", () => {
        expect(TEXT).toContain("RABBITMQ_URL: amqps://rabbitmq:5671");
        const text = TEXT.replace("RABBITMQ_URL: amqps://rabbitmq:5671", "RABBITMQ_URL: amqps://app:s3cret@rabbitmq:5671");
        expect(problems(text).map((p) => p.path)).toEqual(["services.fastify.env.RABBITMQ_URL"]);
        expect(() => parseTopology(TEXT, "t.yaml")).not.toThrow();
    });
});

describe("billing mode per tenancy", () => {
    it("is required, with a reason", () => {
        const text = TEXT.replace(/\n {6}billing: \{ mode: alwaysFree[^\n]*\} \}/, " }");
        expect(problems(text)).toEqual([{ path: "accounts[0].billing", line: lineOf(text, "{ name: EU-FE-01"), message: "missing required key (expected object)" }]);
        const noReason = TEXT.replace('billing: { mode: alwaysFree, reason: "public tier only', 'billing: { mode: alwaysFree, reason: "", x: "');
        expect(problems(noReason)[0]).toMatchObject({ path: "accounts[0].billing.reason", message: "say why the tenancy is billed this way" });
    });
});
