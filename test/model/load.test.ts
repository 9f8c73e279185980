import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UserInputError, formatProblem, type Problem } from "../../model/errors";
import { loadTopology, parseTopology } from "../../model/load";
import { accountsOfRegion, placementsOf } from "../../model/query";

const FILE = "topology/blitzhub.yaml";
const REAL = readFileSync(FILE, "utf8");

/** Replaces exactly one occurrence of `from` in the real topology. */
function edit(from: string, to: string, text = REAL): string {
    const at = text.indexOf(from);
    expect(at, `anchor not found: ${from}`).toBeGreaterThanOrEqual(0);
    expect(text.indexOf(from, at + 1), `anchor not unique: ${from}`).toBe(-1);
    return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based line of the only occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
    const at = text.indexOf(needle);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(text.indexOf(needle, at + 1)).toBe(-1);
    return text.slice(0, at).split("\n").length;
}

/** Parses and returns the problems of the UserInputError it must throw. */
function problemsOf(text: string): Problem[] {
    try {
        parseTopology(text, "bad.yaml");
    } catch (error) {
        expect(error).toBeInstanceOf(UserInputError);
        return (error as UserInputError).problems;
    }
    throw new Error("expected a UserInputError");
}

function problemAt(text: string, path: string): Problem {
    const problems = problemsOf(text);
    const found = problems.find((problem) => problem.path === path);
    expect(found, `no problem at ${path}; got:\n${problems.map(formatProblem).join("\n")}`).toBeDefined();
    return found!;
}

describe("the real topology", () => {
    const topology = loadTopology(FILE);

    it("has the 15 accounts in their regions and 45 VMs", () => {
        expect(topology.accounts).toHaveLength(15);
        const count = (region: "eu" | "na" | "sa" | "as" | "au") => accountsOfRegion(topology, region).length;
        expect([count("eu"), count("na"), count("sa"), count("as"), count("au")]).toEqual([9, 2, 1, 2, 1]);
        const vms = topology.accounts.flatMap((account) => topology.roles[account.role].vms);
        expect(vms).toHaveLength(45);
        // Always Free frontend tenancies: the A1 at the 2 OCPU / 12 GB allowance; the rest keep the spec's 4 / 24.
        const a1 = topology.accounts.flatMap((account) => topology.roles[account.role].vms.filter((vm) => vm.shape === "VM.Standard.A1.Flex").map((vm) => ({ account, vm })));
        expect(a1.filter(({ vm }) => vm.ocpus === 4 && vm.memoryGb === 24)).toHaveLength(10);
        expect(a1.filter(({ account, vm }) => vm.ocpus === 2 && vm.memoryGb === 12 && account.billing.mode === "alwaysFree")).toHaveLength(5);
        expect(vms.filter((vm) => vm.shape === "VM.Standard.E2.1.Micro")).toHaveLength(30);
    });

    it("fits every VM's services in its memory and runs node_exporter and Promtail everywhere", () => {
        for (const role of Object.values(topology.roles)) {
            for (const vm of role.vms) {
                const placements = placementsOf(vm, topology);
                const used = placements.reduce((sum, placement) => sum + placement.memoryMb, 0);
                expect(used, vm.name).toBeLessThanOrEqual(vm.memoryGb * 1024 - topology.shapes[vm.shape].reservedMemoryMb);
                expect(placements.filter((placement) => placement.everyVm).map((placement) => placement.service)).toEqual(["node-exporter", "promtail"]);
                expect(placements.some((placement) => placement.def.ports.some((port) => port.metrics))).toBe(true);
            }
        }
    });

    it("gives every caller its own copy, even when parsed once", () => {
        const first = parseTopology(REAL, FILE);
        first.accounts.pop();
        first.services.nginx.memoryMb = 1;
        const second = parseTopology(REAL, FILE);
        expect(second.accounts).toHaveLength(15);
        expect(second.services.nginx.memoryMb).toBe(1024);
    });

    it("resolves placement overrides", () => {
        const edge = topology.roles.frontend.vms.find((vm) => vm.name === "edge-1")!;
        const nginx = placementsOf(edge, topology).find((placement) => placement.service === "nginx")!;
        expect(nginx).toMatchObject({ memoryMb: 384, mode: "edge", everyVm: false });
        expect(nginx.def.memoryMb).toBe(1024);
    });

    it("keeps the spec's expression beside every corrected alert", () => {
        const corrected = Object.values(topology.services).flatMap((service) => service.alerts.filter((alert) => alert.specExpr));
        expect(corrected.map((alert) => alert.alert).sort()).toEqual(
            ["FastifyHighLatency", "HAProxyHighLatency", "HAProxyWebSocketFailure", "LokiStorageFull", "PrometheusScrapeFailure", "ReactHighLatency", "WebSocketHighLatency"].sort(),
        );
        for (const alert of corrected) expect(alert.fix).toBeTruthy();
    });
});

describe("YAML and structure errors", () => {
    it("reports malformed YAML with its line", () => {
        const text = edit("everyVm: [node-exporter, promtail]\n", "everyVm: [node-exporter, promtail] x\n");
        expect(problemsOf(text)).toEqual([{ path: "bad.yaml", line: lineOf(text, "name: AU-FE-01"), message: "YAML syntax: Unexpected scalar at node end" }].map((p) => ({ ...p, line: lineOf(text, "promtail] x") })));
    });

    it("reports cascading YAML errors once per line, at most five and a count", () => {
        const text = edit("  - { name: AU-FE-01, role: frontend, region: au,\n", "  - { name: AU-FE-01, role: frontend, region: au }},\n");
        const problems = problemsOf(text);
        expect(problems).toHaveLength(6);
        expect(problems[0]).toEqual({ path: "bad.yaml", line: lineOf(text, "name: AU-FE-01"), message: 'YAML syntax: Unexpected flow-map-end token in YAML stream: "}"' });
        expect(new Set(problems.slice(0, 5).map((problem) => problem.line)).size).toBe(5);
        expect(problems[5].message).toMatch(/errors on \d+ more lines follow/);
    });

    it("reports a duplicate YAML key at the duplicate", () => {
        const text = edit("version: 1\n", "version: 1\nversion: 99\n");
        expect(problemsOf(text)).toEqual([{ path: "bad.yaml", line: lineOf(text, "version: 99"), message: "YAML syntax: Map keys must be unique" }]);
    });

    it("names an unknown key with its path and line", () => {
        const text = edit("        services: [react, nginx, modsecurity]\n", "        services: [react, nginx, modsecurity]\n        colour: blue\n");
        const problem = problemAt(text, "roles.frontend.vms[0].colour");
        expect(problem.message).toBe('unknown key "colour"');
        expect(problem.line).toBe(lineOf(text, "colour: blue"));
    });

    it("names a wrong type with its path and line", () => {
        const text = edit("      - name: app\n        shape: VM.Standard.A1.Flex\n        ocpus: 2\n", "      - name: app\n        shape: VM.Standard.A1.Flex\n        ocpus: four\n");
        const problem = problemAt(text, "roles.frontend.vms[0].ocpus");
        expect(problem.message).toBe("expected number, got string");
        expect(problem.line).toBe(lineOf(text, "ocpus: four"));
    });

    it("prints each problem as file, YAML path and line, then the message", () => {
        const text = edit("      - name: app\n        shape: VM.Standard.A1.Flex\n        ocpus: 2\n", "      - name: app\n        shape: VM.Standard.A1.Flex\n        ocpus: four\n");
        const problem = problemAt(text, "roles.frontend.vms[0].ocpus");
        expect(problem.file).toBe("bad.yaml");
        expect(formatProblem(problem)).toBe(`bad.yaml: roles.frontend.vms[0].ocpus:${lineOf(text, "ocpus: four")}: expected number, got string`);
    });

    it("refuses a port its service serves only over TLS when the catalogue does not say tls: true", () => {
        const needle = "      - { name: http, port: 3100, tls: true, metrics: true,";
        const text = edit(needle, "      - { name: http, port: 3100, metrics: true,");
        const problem = problemAt(text, "services.loki.ports[0]");
        expect(problem.message).toMatch(/^port http must say tls: true \(Loki serves/);
        expect(problem.line).toBe(lineOf(text, "      - { name: http, port: 3100, metrics: true,"));
    });

    it("refuses Alertmanager's API or gossip port without tls: true (both are served over mutual TLS)", () => {
        for (const [needle, plain, index, name] of [
            ["      - { name: http, port: 9093, tls: true, metrics: true,", "      - { name: http, port: 9093, metrics: true,", 0, "http"],
            ["      - { name: cluster, port: 9094, tls: true,", "      - { name: cluster, port: 9094,", 1, "cluster"],
        ] as const) {
            const text = edit(needle, plain);
            const problem = problemAt(text, `services.alertmanager.ports[${index}]`);
            expect(problem.message).toMatch(new RegExp(`^port ${name} must say tls: true \\(Alertmanager serves its API and its peer gossip over mutual TLS`));
            expect(problem.line).toBe(lineOf(text, plain));
        }
    });

    it("refuses the traces ports (the collector's OTLP receivers, Jaeger's) and Fluentd's forward port without tls: true", () => {
        for (const [needle, plain, at, why] of [
            ['      - { name: otlp-grpc, port: 4317, tls: true, description: "OTLP/gRPC over', '      - { name: otlp-grpc, port: 4317, description: "OTLP/gRPC over', "services.otel-collector.ports[0]", /^port otlp-grpc must say tls: true \(the collector's OTLP receivers/],
            ['      - { name: otlp-http, port: 4318, tls: true, description: "OTLP/HTTP over', '      - { name: otlp-http, port: 4318, description: "OTLP/HTTP over', "services.otel-collector.ports[1]", /^port otlp-http must say tls: true/],
            ['      - { name: forward, port: 24224, tls: true,', '      - { name: forward, port: 24224,', "services.fluentd.ports[0]", /^port forward must say tls: true \(Fluentd's in_forward takes logs over mutual TLS/],
            ['      - { name: otlp-grpc, port: 4317, tls: true, description: "OTLP/gRPC from', '      - { name: otlp-grpc, port: 4317, description: "OTLP/gRPC from', "services.jaeger.ports[1]", /^port otlp-grpc must say tls: true \(Jaeger takes OTLP/],
        ] as const) {
            const text = edit(needle, plain);
            const problem = problemAt(text, at);
            expect(problem.message).toMatch(why);
            expect(problem.line).toBe(lineOf(text, plain));
        }
    });

    it("refuses loadBalancerTls on a service whose renderer does not serve it, and together with the internal CA's tls", () => {
        const onAlertmanager = "      - { name: http, port: 9093, loadBalancerTls: true,";
        const text = edit("      - { name: http, port: 9093,", onAlertmanager);
        const problem = problemAt(text, "services.alertmanager.ports[0].loadBalancerTls");
        expect(problem.message).toBe("only nginx and rpc-gateway serve TLS to the load balancer; alertmanager would not");
        expect(problem.line).toBe(lineOf(text, onAlertmanager));
        const both = "      - { name: https, port: 443, loadBalancerTls: true, tls: true,";
        const text2 = edit("      - { name: https, port: 443, loadBalancerTls: true,", both);
        const problem2 = problemAt(text2, "services.nginx.ports[1].tls");
        expect(problem2.message).toBe("a port serves either the internal CA's certificate (tls) or the backend CA's (loadBalancerTls), not both");
        expect(problem2.line).toBe(lineOf(text2, both));
    });

    it("refuses a backup backend that does not speak its set's protocol (a clear-text validator behind a re-encrypting set)", () => {
        const needle = "          healthCheck: { protocol: HTTP, path: /health }\n          # No backup backend:";
        const backup = "          backupBackends: [{ service: solana-validator, port: rpc }]\n";
        expect(REAL).toContain(needle);
        const text = edit(needle, `          healthCheck: { protocol: HTTP, path: /health }\n${backup}          # No backup backend:`);
        const problem = problemAt(text, "roles.solana.loadBalancer.backendSets[0].backupBackends[0].port");
        expect(problem.message).toMatch(/^the set re-encrypts to its backends \(port rpc-tls says loadBalancerTls\), but solana-validator's port rpc serves no TLS/);
        expect(problem.line).toBe(lineOf(text, backup.trim()));
    });

    it("refuses an address space that overlaps the operators' WireGuard tunnel addresses", () => {
        const text = edit("addressSpace: 10.0.0.0/16\n", "addressSpace: 172.16.0.0/12\n");
        const problem = problemAt(text, "addressSpace");
        expect(problem.message).toBe("172.16.0.0/12 overlaps 172.29.0.0/16, the operators' WireGuard tunnel addresses, which every VCN routes to its bastions");
        expect(problem.line).toBe(lineOf(text, "addressSpace: 172.16.0.0/12"));
    });

    it("names a missing role and an account of an unknown region or role", () => {
        const withoutRole = edit("  logs:\n    specSection: \"8\"", "  journal:\n    specSection: \"8\"");
        expect(problemAt(withoutRole, "roles.logs").message).toMatch(/missing required key/);
        expect(problemAt(withoutRole, "roles.journal").message).toMatch(/invalid key|unknown key/);

        const text = edit("  - { name: AU-FE-01, role: frontend, region: au,", "  - { name: AU-FE-01, role: fronted, region: oc,");
        expect(problemAt(text, "accounts[4].region").line).toBe(lineOf(text, "region: oc"));
        expect(problemAt(text, "accounts[4].role").line).toBe(lineOf(text, "region: oc"));
    });

    it("reports every problem, not only the first", () => {
        const text = edit("  - { name: AU-FE-01, role: frontend, region: au,", "  - { name: AU-FE-01, role: frontend, region: au, owner: me,").replace(
            "addressSpace: 10.0.0.0/16",
            "addressSpace: 10.0.0.0",
        );
        const paths = problemsOf(text).map((problem) => problem.path);
        expect(paths).toContain("accounts[4].owner");
        expect(paths).toContain("addressSpace");
    });
});

describe("cross-field checks", () => {
    it("rejects a dependency on a service that does not exist", () => {
        const text = edit("- { service: oracle-adb, ports: [sqlnet], reason: \"Oracle ADB TCP 1521 (spec)\" }", "- { service: oracle-db, ports: [sqlnet] }");
        const problem = problemAt(text, "services.fastify.dependsOn[0].service");
        expect(problem.message).toMatch(/"oracle-db", which is not in the catalogue/);
        expect(problem.line).toBe(lineOf(text, "service: oracle-db"));
    });

    it("rejects a dependency on a port the service does not have", () => {
        const text = edit("- { service: oracle-adb, ports: [sqlnet], reason: \"Oracle ADB TCP 1521 (spec)\" }", "- { service: oracle-adb, ports: [tns] }");
        expect(problemAt(text, "services.fastify.dependsOn[0].ports[0]").message).toMatch(/no port named "tns" \(has: sqlnet, sqlnet-mtls\)/);
    });

    it("names what a dependency scope may be", () => {
        const text = edit("scope: EU-LOG-01,", "scope: logs,");
        const problem = problemAt(text, "services.promtail.dependsOn[0].scope");
        expect(problem.message).toBe("must be nearest, account, region, all, or an account name such as EU-LOG-01");
        expect(problem.line).toBe(lineOf(text, "scope: logs"));
    });

    it("rejects the placement of an unknown service, in both placement forms", () => {
        const named = edit("services: [react, nginx, modsecurity]", "services: [react, nginx, modsec]");
        expect(problemAt(named, "roles.frontend.vms[0].services[2]").message).toBe('unknown service "modsec"');
        const object = edit("          - { service: modsecurity, memoryMb: 128, reason: \"1 GB micro\" }\n      - name: edge-2", "          - { service: modsecurty, memoryMb: 128 }\n      - name: edge-2");
        const problem = problemAt(object, "roles.frontend.vms[1].services[1].service");
        expect(problem.line).toBe(lineOf(object, "modsecurty"));
    });

    it("rejects a port bound twice on one VM", () => {
        const text = edit("- { name: http, port: 4173,", "- { name: http, port: 80,");
        expect(problemAt(text, "roles.frontend.vms[0].services[1]").message).toMatch(/port bound twice on VM app: nginx http 80\/tcp clashes with react http 80\/tcp/);
    });

    it("counts everyVm services when looking for a port bound twice", () => {
        const text = edit("      - { name: metrics, port: 9100, metrics: true }", "      - { name: metrics, port: 9121, metrics: true }");
        const problem = problemAt(text, "roles.backend.vms[1].services[0]");
        expect(problem.message).toMatch(/node-exporter \(everyVm\) metrics 9121\/tcp clashes with redis metrics 9121\/tcp/);
    });

    it("tells tcp from udp and checks port ranges", () => {
        const udp = edit("      - { name: metrics, port: 9586, metrics: true, description: \"prometheus_wireguard_exporter (inferred)\" }", "      - { name: metrics, port: 51820, metrics: true }");
        expect(() => parseTopology(udp, "x.yaml")).not.toThrow();
        const range = edit("      - { name: metrics, port: 9179, metrics: true, description: \"solana exporter (inferred)\" }", "      - { name: metrics, port: 8010, metrics: true }");
        expect(problemAt(range, "roles.solana.vms[0].services[0]").message).toMatch(/8010\/tcp clashes with solana-validator gossip 8000-8020\/tcp\+udp/);
    });

    it("rejects services whose memory exceeds the VM", () => {
        const text = edit(
            "          - { service: nginx, memoryMb: 384, mode: edge, reason: \"1 GB micro: 768 MiB for services minus node_exporter and Promtail\" }\n          - { service: modsecurity, memoryMb: 128, reason: \"1 GB micro\" }\n      - name: edge-2",
            "          - { service: nginx, memoryMb: 700 }\n          - { service: modsecurity, memoryMb: 128, reason: \"1 GB micro\" }\n      - name: edge-2",
        );
        const problem = problemAt(text, "roles.frontend.vms[1].services");
        expect(problem.message).toBe(
            "services need 1020 MiB (nginx 700 + modsecurity 128 + node-exporter 64 + promtail 128) but VM edge-1 has 768 MiB for services (1024 - 256 reserved by VM.Standard.E2.1.Micro)",
        );
    });

    it("rejects duplicate account names, VM names and port names", () => {
        const accounts = edit("  - { name: NA-FE-01, role: frontend, region: na,", "  - { name: EU-FE-01, role: frontend, region: na,");
        expect(problemAt(accounts, "accounts[1].name").message).toBe("duplicate account name EU-FE-01");
        const vms = edit("      - name: edge-2\n", "      - name: edge-1\n");
        expect(problemAt(vms, "roles.frontend.vms[2].name").message).toMatch(/duplicate VM name "edge-1"/);
        const ports = edit("      - { name: ws, port: 3001, metrics: true,", "      - { name: api, port: 3001, metrics: true,");
        expect(problemAt(ports, "services.fastify.ports[1].name").message).toBe('duplicate port name "api"');
    });

    it("rejects key rotations that are not calendar days, or not oldest first and once each", () => {
        const line = 'keyRotations: ["2026-11-30"]';
        const unordered = edit(line, 'keyRotations: ["2026-11-30", "2026-06-01", "2026-06-01"]');
        expect(problemAt(unordered, "keyRotations[1]").message).toBe("2026-06-01 is not after 2026-11-30: rotations are listed oldest first, once each");
        expect(problemAt(unordered, "keyRotations[1]").line).toBe(lineOf(unordered, "keyRotations:"));
        expect(problemAt(unordered, "keyRotations[2]").message).toBe("2026-06-01 is not after 2026-06-01: rotations are listed oldest first, once each");
        expect(problemAt(edit(line, 'keyRotations: ["2027-02-30"]'), "keyRotations[0]").message).toBe("2027-02-30 is not a calendar date");
        expect(problemAt(edit(line, 'keyRotations: ["30.11.2026"]'), "keyRotations[0]").message).toBe("must be a date such as 2026-11-30");
        expect(loadTopology(FILE).keyRotations).toEqual(["2026-11-30"]);
    });

    it("rejects a hub that is not an account of its region", () => {
        const text = edit("na: { homeRegion: us-ashburn-1, hub: NA-BE-01 }", "na: { homeRegion: us-ashburn-1, hub: EU-BE-01 }");
        const problem = problemAt(text, "regions.na.hub");
        expect(problem.message).toBe("hub EU-BE-01 is an account of region eu, not na");
        expect(problem.line).toBe(lineOf(text, "hub: EU-BE-01"));
    });

    it("rejects role blocks outside the address space, overlapping, or with host bits", () => {
        const outside = edit("block: 10.0.2.0/24", "block: 10.1.2.0/24");
        expect(problemAt(outside, "roles.backend.block").message).toBe("block 10.1.2.0/24 is outside the address space 10.0.0.0/16");
        const overlap = edit("block: 10.0.2.0/24", "block: 10.0.1.128/25");
        expect(problemAt(overlap, "roles.backend.block").message).toBe("block 10.0.1.128/25 overlaps the block 10.0.1.0/24 of role frontend");
        const hostBits = edit("block: 10.0.2.0/24", "block: 10.0.2.7/24");
        expect(problemAt(hostBits, "roles.backend.block").message).toMatch(/host bits set; the network is 10.0.2.0\/24/);
    });

    it("takes runbookBaseUrl as an https:// folder address and names the line of a bad one", () => {
        const base = "https://git.example.org/ops/blitzhub-infra/src/branch/main/docs/runbooks";
        expect(parseTopology(edit("addressSpace: 10.0.0.0/16\n", `addressSpace: 10.0.0.0/16\nrunbookBaseUrl: ${base}\n`), "t.yaml").runbookBaseUrl).toBe(base);
        const http = edit("addressSpace: 10.0.0.0/16\n", "addressSpace: 10.0.0.0/16\nrunbookBaseUrl: http://wiki/runbooks\n");
        expect(problemAt(http, "runbookBaseUrl")).toMatchObject({
            message: "must be an https:// address (the folder that holds the runbook pages)",
            line: lineOf(http, "runbookBaseUrl:"),
        });
        const slash = edit("addressSpace: 10.0.0.0/16\n", "addressSpace: 10.0.0.0/16\nrunbookBaseUrl: https://wiki.example.org/runbooks/\n");
        expect(problemAt(slash, "runbookBaseUrl").message).toBe("must not end with '/' (pages are appended as /<service>.md)");
    });

    it("rejects shapes with the wrong OCPUs or memory", () => {
        const a1 = edit("      - name: app\n        shape: VM.Standard.A1.Flex\n        ocpus: 2\n        memoryGb: 12\n", "      - name: app\n        shape: VM.Standard.A1.Flex\n        ocpus: 4\n        memoryGb: 300\n");
        expect(problemAt(a1, "roles.frontend.vms[0].memoryGb").message).toBe("VM.Standard.A1.Flex with 4 OCPU takes 4-256 GB of memory, not 300");
        const micro = edit("      - name: edge-1\n        shape: VM.Standard.E2.1.Micro\n        ocpus: 1\n", "      - name: edge-1\n        shape: VM.Standard.E2.1.Micro\n        ocpus: 2\n");
        expect(problemAt(micro, "roles.frontend.vms[1].ocpus").message).toBe("VM.Standard.E2.1.Micro has exactly 1 OCPU, not 2");
    });

    it("checks load balancer listener and backend set references", () => {
        const listener = edit("- { name: https, port: 443, protocol: HTTP, tls: true, backendSet: web,", "- { name: https, port: 443, protocol: HTTP, tls: true, backendSet: www,");
        expect(problemAt(listener, "roles.frontend.loadBalancer.listeners[0].backendSet").message).toBe('no backend set named "www" (has: web)');
        const port = edit("          service: nginx\n          port: https ", "          service: nginx\n          port: tls ");
        expect(problemAt(port, "roles.frontend.loadBalancer.backendSets[0].port").message).toMatch(/service "nginx" has no port named "tls"/);
        const service = edit("          service: nginx\n          port: https ", "          service: fastify\n          port: api ");
        expect(problemAt(service, "roles.frontend.loadBalancer.backendSets[0].service").message).toBe('no VM of this role runs "fastify"');
        const nlb = edit("- { name: ws, protocol: TCP, port: 3001, backendSet: ws }", "- { name: ws, protocol: TCP, port: 3001, backendSet: wss }");
        expect(problemAt(nlb, "roles.network.networkLoadBalancer.listeners[0].backendSet").message).toBe('no backend set named "wss" (has: ws)');
    });

    it("requires a fix wherever the spec's alert expression is replaced", () => {
        const text = edit(
            '        fix: "http_request_duration_seconds is a histogram: rate() of its base name selects nothing. The p95 from its _bucket series against the spec\'s 0.1 s threshold says what was meant."\n',
            "",
        );
        const problem = problemAt(text, "services.react.alerts[0].fix");
        expect(problem.message).toMatch(/ReactHighLatency corrects the spec's expression/);
    });

    it("requires the Autonomous Database service to be managed", () => {
        const text = edit("    managedBy: autonomous-database\n", "");
        expect(problemAt(text, "roles.data.autonomousDatabase.service").message).toBe(
            'service "oracle-adb" must be declared with managedBy: autonomous-database',
        );
        expect(problemAt(text, "services.oracle-adb.memoryMb").message).toMatch(/at least 16 MiB/);
    });

    it("rejects placing a managed service on a VM", () => {
        const text = edit("        services: [fastify]\n", "        services: [fastify, oracle-adb]\n");
        expect(problemAt(text, "roles.backend.vms[0].services[1]").message).toMatch(/managed by autonomous-database and cannot be placed/);
    });
});

describe("consistency across the catalogue", () => {
    it("rejects a placement that raises the catalogue's memory limit", () => {
        const text = edit("          - { service: haproxy, memoryMb: 512, reason: \"1 GB micro\" }\n      - name: haproxy-3", "          - { service: haproxy, memoryMb: 2048 }\n      - name: haproxy-3");
        const problem = problemAt(text, "roles.network.vms[1].services[0].memoryMb");
        expect(problem.message).toBe("a placement may only lower the limit: 2048 MiB is above haproxy's 1024 MiB");
        expect(problem.line).toBe(lineOf(text, "memoryMb: 2048 }"));
    });

    it("rejects two services writing the same backup target", () => {
        const text = edit("target: /backups/haproxy_config }", "target: /backups/fluentd_config }");
        expect(problemAt(text, "services.haproxy.backup[0].target").message).toBe("backup target /backups/fluentd_config is already used by fluentd");
    });

    it("rejects one secret path declared two ways", () => {
        const text = edit("      - { path: secret/fastify/websocket_token, length: 64, description: \"stored in Vault for Fastify's WebSocket auth\" }", "      - { path: secret/fastify/websocket_token, length: 32 }");
        expect(problemAt(text, "services.vault.secrets[1]").message).toBe("secret/fastify/websocket_token is declared by fastify as random/64 but here as random/32");
    });

    it("rejects a circular start order", () => {
        const text = edit("    startAfter: [minio]   # spec order: 1. MinIO, 2. Vault", "    startAfter: [minio]\n").replace(
            "    health: { port: api, path: /minio/health/live }",
            "    startAfter: [vault]\n    health: { port: api, path: /minio/health/live }",
        );
        const problems = problemsOf(text);
        expect(problems.map(formatProblem).join("\n")).toMatch(/startAfter(:\d+)?: start order is circular: (vault → minio → vault|minio → vault → minio)/);
    });

    it("takes apt repositories, apt versions and companions only for apt packages, and versions that match", () => {
        const release = edit(
            '    install: { method: release, package: loki, source: "github.com/grafana/loki/releases v2.9.0 (linux-arm64)" }',
            '    install: { method: release, package: loki, repositories: [{ ppa: grafana/loki }], aptVersion: "2.9.0", packageVersion: "2.9.0", companions: [logcli] }',
        );
        expect(problemAt(release, "services.loki.install.packageVersion").message).toBe("only an apt package has a package version (method is release)");
        expect(problemAt(release, "services.loki.install.repositories").message).toBe("only an apt package comes from apt repositories (method is release)");
        expect(problemAt(release, "services.loki.install.aptVersion").message).toBe("only an apt package has an apt version (method is release)");
        expect(problemAt(release, "services.loki.install.companions").message).toBe("only an apt package has companion packages (method is release)");
        const wrongVersion = edit('      aptVersion: "6:7.2.0"   # the repository\'s epoch', '      aptVersion: "6:7.4.0"');
        expect(problemAt(wrongVersion, "services.redis.install.aptVersion").message).toBe('"6:7.4.0" is neither version 7.2.0 as the repository spells it nor its series');
        const twoNginx = edit(
            '    install:\n      method: apt\n      package: nginx\n      source: "nginx.org stable repository (pinned 1.24.0)"\n      exporter: prometheus-nginx-exporter   # serves the metrics port from stub_status\n      repositories:\n        - { name: nginx, keyUrl: "https://nginx.org/keys/nginx_signing.key", url: "http://nginx.org/packages/ubuntu", suite: "{codename}", components: [nginx] }\n    ports:\n      - { name: rpc',
            '    install:\n      method: apt\n      package: nginx\n      source: "nginx.org mainline"\n      repositories:\n        - { name: nginx, keyUrl: "https://nginx.org/keys/nginx_signing.key", url: "http://nginx.org/packages/mainline/ubuntu", suite: "{codename}", components: [nginx] }\n    ports:\n      - { name: rpc',
        );
        expect(problemAt(twoNginx, "services.rpc-gateway.install.repositories[0]").message).toBe('repository "nginx" is declared differently by nginx');
        const plainHttpKey = edit('keyUrl: "https://packages.redis.io/gpg"', 'keyUrl: "http://packages.redis.io/gpg"');
        expect(problemsOf(plainHttpKey).map(formatProblem).join("\n")).toMatch(/services\.redis\.install\.repositories\[0\]/);
    });

    it("an npm package needs its Node.js runtime, and only an npm package has one", () => {
        const withoutRuntime = edit("      runtime: *node-runtime\n", "");
        expect(problemAt(withoutRuntime, "services.fastify.install.runtime").message).toBe("an npm package needs the Node.js runtime that runs it (install.runtime)");
        const onApt = edit('      aptVersion: "6:7.2.0"   # the repository\'s epoch\n', '      aptVersion: "6:7.2.0"\n      runtime: *node-runtime\n');
        expect(problemAt(onApt, "services.redis.install.runtime").message).toBe("only an npm package has a Node.js runtime (method is apt)");
    });

    it("a runtime's repository name means one repository too", () => {
        const clash = edit(
            '          - { name: nodesource, keyUrl: "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key", url: "https://deb.nodesource.com/node_24.x", suite: nodistro, components: [main] }',
            '          - { name: nginx, keyUrl: "https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key", url: "https://deb.nodesource.com/node_24.x", suite: nodistro, components: [main] }',
        );
        expect(problemsOf(clash).map(formatProblem).join("\n")).toMatch(/services\.\S+\.install(\.runtime)?\.repositories\[0\](:\d+)?: repository "nginx" is declared differently by \S+/);
    });

    it("keeps the spec's headline objectives", () => {
        expect(loadTopology(FILE).objectives).toEqual({
            concurrentUsers: 1000,
            requestsPerSecond: { frontend: 25000, backend: 10000 },
            solanaTxPerHour: 70000,
            websocketOperations: 10,
            latencySlosMs: { api: 50, assets: 25, websocket: 50, intraRegion: 2 },
        });
    });
});

describe("UserInputError", () => {
    it("formats one line per problem as <path>[:<line>]: <message>", () => {
        const error = new UserInputError([
            { path: "accounts[3].region", line: 12, message: "bad region" },
            { path: "roles.frontend.vms[0].services[2]", message: "unknown service" },
        ]);
        expect(error.format()).toBe("accounts[3].region:12: bad region\nroles.frontend.vms[0].services[2]: unknown service");
    });

    it("is thrown for a missing file", () => {
        expect(() => loadTopology("topology/does-not-exist.yaml")).toThrow(UserInputError);
    });
});
