/**
 * The pack as the Pulumi CLI runs it: `@pulumi/pulumi/cmd/run-policy-pack` (what the nodejs
 * language host launches for `--policy-pack policies`) starts `policies/` from its own folder,
 * and we talk to the analyzer it serves over gRPC, as the engine would. No Pulumi CLI needed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    AnalyzeStackRequest,
    AnalyzerPropertyDependencies,
    AnalyzerProviderResource,
    AnalyzerResource,
    AnalyzerResourceOptions,
    EnforcementLevel,
    type AnalyzeResponse,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlannedResource } from "../../offline/engine";
import { policies } from "../../policies/all";
import { compliantAccount, modify, ref, usd } from "./fixtures";

const ROOT = resolve(__dirname, "..", "..");
const PACK = join(ROOT, "policies");
let pack: ChildProcess;
let client: AnalyzerClient;

beforeAll(async () => {
    pack = spawn(process.execPath, [join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js"), "127.0.0.1:0", PACK], {
        cwd: PACK,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    pack.stderr!.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<string>((done, fail) => {
        pack.stdout!.once("data", (d) => done(String(d).trim()));
        pack.once("exit", (code) => fail(new Error(`policy pack exited ${code}: ${stderr}`)));
    });
    expect(port).toMatch(/^\d+$/);
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

const json = (value: unknown) => Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));

function options(r: PlannedResource): AnalyzerResourceOptions {
    return new AnalyzerResourceOptions().setProtect(r.protect).setIgnorechangesList(r.ignoreChanges);
}

function provider(r: PlannedResource, all: PlannedResource[]): AnalyzerProviderResource | undefined {
    const p = all.find((x) => x.urn === r.provider);
    return p && new AnalyzerProviderResource().setType(p.type).setUrn(p.urn).setName(p.name).setProperties(json(p.inputs));
}

/** The analyzer prefixes each violation message with the policy's description. */
function described(policy: string, message: string): string {
    return `${policies.find((p) => p.name === policy)!.description}\n${message}`;
}

function diagnostics(response: AnalyzeResponse) {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        mandatory: d.getEnforcementlevel() === EnforcementLevel.MANDATORY,
        message: d.getMessage(),
    }));
}

function analyze(r: PlannedResource, all: PlannedResource[]): Promise<ReturnType<typeof diagnostics>> {
    const request = new AnalyzeRequest().setType(r.type).setUrn(r.urn).setName(r.name).setProperties(json(r.inputs)).setOptions(options(r));
    const p = provider(r, all);
    if (p) request.setProvider(p);
    return new Promise((done, fail) => client.analyze(request, (error, response) => (error ? fail(error) : done(diagnostics(response)))));
}

function analyzeStack(all: PlannedResource[]): Promise<ReturnType<typeof diagnostics>> {
    const resources = all.map((r) => {
        const resource = new AnalyzerResource().setType(r.type).setUrn(r.urn).setName(r.name).setProperties(json(r.inputs)).setOptions(options(r));
        const p = provider(r, all);
        if (p) resource.setProvider(p);
        resource.setDependenciesList(r.dependsOn);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            resource.getPropertydependenciesMap().set(key, new AnalyzerPropertyDependencies().setUrnsList(urns));
        }
        return resource;
    });
    const request = new AnalyzeStackRequest().setResourcesList(resources);
    return new Promise((done, fail) => client.analyzeStack(request, (error, response) => (error ? fail(error) : done(diagnostics(response)))));
}

describe("the pack under the CLI's run-policy-pack", () => {
    it("serves every policy of policies/all.ts under the pack name and version", async () => {
        const info = await new Promise<{ name: string; version: string; policies: string[] }>((done, fail) =>
            client.getAnalyzerInfo(new Empty(), (error, response) =>
                error ? fail(error) : done({ name: response.getName(), version: response.getVersion(), policies: response.getPoliciesList().map((p) => p.getName()) }),
            ),
        );
        expect(info).toEqual({ name: "blitzhub", version: "0.1.0", policies: policies.map((p) => p.name) });
    });

    it("finds nothing in a compliant tenancy, resource by resource and as a stack", async () => {
        // A frontend tenancy: the pack loads the default topology, where the backend's load balancer is private.
        const account = compliantAccount({ account: "EU-FE-01", role: "frontend", region: "eu", vcnCidr: "10.0.1.0/27" });
        for (const r of account) expect(await analyze(r, account), r.name).toEqual([]);
        expect(await analyzeStack(account)).toEqual([]);
    });

    it("reports SSH open to the world as mandatory, per resource and per stack", async () => {
        const account = modify(compliantAccount(), "eu-be-01-app-nsg-tcp-22-from-bastion", (r) => ({ inputs: { ...r.inputs, source: "0.0.0.0/0" } }));
        const rule = account.find((r) => r.name === "eu-be-01-app-nsg-tcp-22-from-bastion")!;
        expect(await analyze(rule, account)).toEqual([
            {
                policy: "no-admin-ports-from-internet",
                mandatory: true,
                message: described("no-admin-ports-from-internet", "eu-be-01-app-nsg-tcp-22-from-bastion opens SSH 22 to 0.0.0.0/0 (tcp 22)"),
            },
        ]);
        expect(await analyzeStack(account)).toEqual([
            {
                policy: "public-ingress-only-on-listeners",
                mandatory: true,
                message: described(
                    "public-ingress-only-on-listeners",
                    "EU-BE-01: eu-be-01-app-nsg-tcp-22-from-bastion opens tcp 22 to 0.0.0.0/0, which is neither a public listener port nor WireGuard (allowed: udp 51820, tcp 443)",
                ),
            },
        ]);
    });

    it("runs every stack policy during preview, when ids and generated passwords are not known yet", async () => {
        const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        let account = modify(compliantAccount(), "eu-be-01-app-data-backup-policy", (r) => ({ inputs: { ...r.inputs, assetId: UNKNOWN } }));
        account = modify(account, "eu-be-01-adb", (r) => ({ inputs: { ...r.inputs, adminPassword: UNKNOWN, subnetId: UNKNOWN } }));
        account = modify(account, "eu-be-01-app-data", (r) => ({ inputs: { ...r.inputs, backupPolicyId: UNKNOWN } }));
        expect(await analyzeStack(account)).toEqual([]);
        // The sentinel is what the engine sends: a policy that needs the value is deferred, as advisory.
        const bucket = modify(account, "eu-be-01-backups", (r) => ({ inputs: { ...r.inputs, versioning: UNKNOWN } }));
        expect(await analyze(bucket.find((r) => r.name === "eu-be-01-backups")!, bucket)).toEqual([
            { policy: "bucket-versioned", mandatory: false, message: expect.stringContaining("can't run policy 'bucket-versioned'") },
        ]);
        const unassigned = account.filter((r) => r.name !== "eu-be-01-app-data-backup-policy");
        expect((await analyzeStack(unassigned)).map((d) => [d.policy, d.mandatory])).toEqual([["block-volume-backup-policy", true]]);
    });

    it("reads the allowances file: the spec's 4 OCPU / 24 GB A1 is an advisory overage", async () => {
        const account = modify(compliantAccount(), "eu-be-01-app", (r) => ({ inputs: { ...r.inputs, shapeConfig: { ocpus: 4, memoryInGbs: 24 } } }));
        expect(await analyzeStack(account)).toEqual([
            {
                policy: "free-tier-a1-allowance",
                mandatory: false,
                message: described(
                    "free-tier-a1-allowance",
                    `EU-BE-01: A1 4 OCPU / 24 GB exceeds the Always Free 2 OCPU / 12 GB (${ref}) by 2 OCPU / 12 GB: ${usd(["a1OcpuHour", 2], ["a1MemoryGbHour", 12])}`,
                ),
            },
        ]);
    });
});
