/**
 * User mistakes the program finds beyond the stack schema: each is a `UserInputError` naming
 * where it is, raised before any resource is registered.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isUserInputError, type UserInputError } from "../../model/errors";
import { accountSettings, checkRemoteAdbClients, checkTopologyForComponents, readEdgeCertificate } from "../../stacks/program";
import { edgeTestCertificate } from "../../render/edgeTestCertificate";
import { throwawayTestCertificate } from "../../render/internalPki";
import { readRemoteHubs } from "../../stacks/remoteHubs";
import { MANUAL_SECRETS_NAMESPACE, readManualSecrets } from "../../stacks/manualSecrets";
import { plaintextSecretProblems } from "../../stacks/plaintextSecrets";
import { loadTopology } from "../../model/load";
import { valueOf } from "./harness";
import type { LoadedStackConfig } from "../../stacks/config";
import { componentPlan, componentTopology, groupOf } from "./fixture";
import { runWithMocks } from "./harness";
import { problemsOf } from "../problems";


function euConfig(plan = componentPlan()): LoadedStackConfig {
    const accounts = plan.accounts.filter((a) => a.region === "eu");
    return {
        stack: "eu",
        stackFile: "Pulumi.eu.yaml",
        region: "eu",
        topology: "topology/blitzhub.yaml",
        ociConfigFile: "/nonexistent",
        euStack: "organization/blitzhub/eu",
        operators: [{ name: "tester", sshPublicKeys: ["ssh-ed25519 AAAA test"] }],
        deployPublicKey: "ssh-ed25519 AAAA deploy",
        image: { operatingSystem: "Canonical Ubuntu", version: "22.04" },
        autonomousDatabaseRemoteClients: [],
        wireguardPeers: [],
        securityNotifications: { emails: ["secops@example.com"], https: [] },
        accounts: Object.fromEntries(accounts.map((a) => [a.name, { profile: a.name, networkAdminGroupOcid: groupOf(a.name) }])),
        profiles: Object.fromEntries(
            accounts.map((a) => [a.name, { name: a.name, user: "ocid1.user.oc1..u", fingerprint: "00", keyFile: "/k.pem", tenancy: `ocid1.tenancy.oc1..${a.slug}`, region: a.homeRegion }]),
        ),
    };
}

describe("stack config against the plan", () => {
    it("accepts the example-shaped config and gives each account its tenancy and home region", () => {
        const settings = accountSettings(euConfig(), componentPlan());
        expect(settings["EU-FE-01"].tenancyOcid).toBe("ocid1.tenancy.oc1..eu-fe-01");
        expect(settings["EU-FE-01"].providerArgs.region).toBe("eu-frankfurt-1");
        expect(settings["EU-FE-01"].providerArgs.ignoreDefinedTags).toEqual(["Oracle-Tags.CreatedBy", "Oracle-Tags.CreatedOn"]);
    });

    it("a profile of another region and an image override for an unknown shape are named by their keys", () => {
        const config = euConfig();
        config.profiles["EU-FE-01"].region = "us-ashburn-1";
        config.accounts["EU-BE-01"].imageOcids = { "VM.Standard.E4.Flex": "ocid1.image.oc1..x" };
        const problems = problemsOf(() => accountSettings(config, componentPlan()));
        expect(problems.map((p) => p.path).sort()).toEqual([
            "Pulumi.eu.yaml: blitzhub:accounts.EU-BE-01.imageOcids.VM.Standard.E4.Flex",
            "Pulumi.eu.yaml: blitzhub:accounts.EU-FE-01.profile",
        ]);
        expect(problems.find((p) => p.path.endsWith("profile"))!.message).toContain("home region is eu-frankfurt-1");
    });
});

describe("topology needs of the components", () => {
    it("an Autonomous Database without a generated admin secret is a problem at services.<service>.secrets", () => {
        const topology = componentTopology();
        topology.services["oracle-adb"].secrets = [];
        const problems = problemsOf(() => checkTopologyForComponents(topology, componentPlan()));
        expect(problems).toEqual([expect.objectContaining({ path: "services.oracle-adb.secrets" })]);
        expect(() => checkTopologyForComponents(componentTopology(), componentPlan())).not.toThrow();
    });
});

describe("remote Autonomous Database clients", () => {
    it("belong to the stack of the database's account: elsewhere they are a problem at the config key", () => {
        const plan = componentPlan();
        const other = plan.accounts.find((a) => a.region !== "eu")!.region;
        const config = { ...euConfig(plan), region: other, stack: other, stackFile: `Pulumi.${other}.yaml`, autonomousDatabaseRemoteClients: ["203.0.113.7"] };
        expect(problemsOf(() => checkRemoteAdbClients(config as LoadedStackConfig, plan))).toEqual([
            expect.objectContaining({ path: `Pulumi.${other}.yaml: blitzhub:autonomousDatabaseRemoteClients` }),
        ]);
        expect(() => checkRemoteAdbClients({ ...euConfig(plan), autonomousDatabaseRemoteClients: ["203.0.113.7"] }, plan)).not.toThrow();
    });
});

describe("remote hubs of the eu stack", () => {
    let dir: string;
    beforeAll(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-hubs-"));
        fs.writeFileSync(path.join(dir, "oci-config"), "[AS-FE-01]\nuser=ocid1.user.oc1..u\nfingerprint=00\nkey_file=/k.pem\ntenancy=ocid1.tenancy.oc1..asfe01\nregion=ap-singapore-1\n");
    });

    it("reads each other region's hub group from its stack file and tenancy from the OCI profile", () => {
        const plan = componentPlan();
        const others = plan.stacks.filter((s) => s.region !== "eu");
        expect(others.map((s) => s.region)).toEqual(["as"]);
        const hub = others[0].hub;
        fs.writeFileSync(
            path.join(dir, "Pulumi.as.yaml"),
            [
                "config:",
                "  blitzhub:region: as",
                "  blitzhub:accounts:",
                ...plan.accounts.filter((a) => a.region === "as").flatMap((a) => [`    ${a.name}:`, `      profile: AS-FE-01`, `      networkAdminGroupOcid: ${groupOf(a.name)}`]),
                "  blitzhub:operators:",
                "    - name: tester",
                "      sshPublicKeys: [ssh-ed25519 AAAAC3Nza test]",
                "  blitzhub:deployPublicKey: ssh-ed25519 AAAAC3Nzb deploy",
                "  blitzhub:securityNotifications:",
                "    emails: [secops@example.com]",
            ].join("\n"),
        );
        expect(readRemoteHubs(plan, path.join(dir, "oci-config"), dir)).toEqual([
            { region: "as", account: hub, tenancyOcid: "ocid1.tenancy.oc1..asfe01", networkAdminGroupOcid: groupOf(hub) },
        ]);
    });

    it("a missing stack file is a problem naming it", () => {
        const problems = problemsOf(() => readRemoteHubs(componentPlan(), path.join(dir, "oci-config"), path.join(dir, "nowhere")));
        expect(problems.map((p) => p.path)).toEqual(["Pulumi.as.yaml"]);
    });
});

describe("the program", () => {
    it("a stack config mistake registers no resource at all", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-bad-"));
        const ociConfig = path.join(dir, "oci-config");
        const plan = componentPlan();
        // Every eu profile exists, but EU-FE-01's is for the wrong region.
        fs.writeFileSync(
            ociConfig,
            plan.accounts
                .filter((a) => a.region === "eu")
                .map((a) => `[${a.name}]\nuser=ocid1.user.oc1..u\nfingerprint=00\nkey_file=/k.pem\ntenancy=ocid1.tenancy.oc1..t\nregion=${a.name === "EU-FE-01" ? "us-ashburn-1" : "eu-frankfurt-1"}\n`)
                .join("\n"),
        );
        const topologyFile = path.join(dir, "topology.yaml");
        fs.writeFileSync(topologyFile, fs.readFileSync(path.resolve("topology/blitzhub.yaml"), "utf8"));
        let caught: unknown;
        const run = await runWithMocks(async () => {
            pulumi.runtime.setAllConfig({
                "blitzhub:region": "eu",
                "blitzhub:topology": topologyFile,
                "blitzhub:ociConfigFile": ociConfig,
                "blitzhub:accounts": JSON.stringify(
                    Object.fromEntries(
                        ["EU-FE-01", "EU-BE-01", "EU-SOL-01", "EU-SEC-01", "EU-MON-01", "EU-MGMT-01", "EU-DATA-01", "EU-LOG-01", "EU-NET-01"].map((n) => [
                            n,
                            { profile: n, networkAdminGroupOcid: groupOf(n) },
                        ]),
                    ),
                ),
                "blitzhub:operators": JSON.stringify([{ name: "tester", sshPublicKeys: ["ssh-ed25519 AAAAC3Nza test"] }]),
                "blitzhub:deployPublicKey": "ssh-ed25519 AAAAC3Nzb deploy",
                "blitzhub:securityNotifications": JSON.stringify({ emails: ["secops@example.com"] }),
            });
            const { program } = await import("../../stacks/program");
            try {
                await program();
            } catch (error) {
                caught = error;
            }
        });
        expect(isUserInputError(caught), String(caught)).toBe(true);
        expect((caught as UserInputError).problems.map((p) => p.path)).toContain("Pulumi.eu.yaml: blitzhub:accounts.EU-FE-01.profile");
        expect(run.resources).toEqual([]);
    });

    it("an edge certificate OCI would refuse, as the real CLI hands it (decrypted), stops the program at its config keys", async () => {
        const ed25519 = throwawayTestCertificate({ dnsNames: ["app.example.com"] });
        const ecdsa = edgeTestCertificate({ dnsNames: ["app.example.com"] });
        // The fixture topology has no HTTPS listener: give the FE load balancer one.
        const plan = componentPlan();
        const fe = plan.accounts.find((a) => a.name === "EU-FE-01")!.loadBalancer;
        fe.listeners[0] = { ...fe.listeners[0], protocol: "HTTP", tls: true };
        // One mocked stack for the three attempts; config keys only accumulate, so the CA comes last.
        const attempts: { caught?: unknown; edge?: unknown }[] = [];
        const attempt = (values: Record<string, string>) => {
            pulumi.runtime.setAllConfig(values, Object.keys(values));
            try {
                attempts.push({ edge: readEdgeCertificate(euConfig(plan), plan) });
            } catch (error) {
                attempts.push({ caught: error });
            }
        };
        await runWithMocks(() => {
            attempt({ "blitzhub-edge:certificate": ed25519.certPem, "blitzhub-edge:privateKey": ed25519.keyPem });
            attempt({ "blitzhub-edge:certificate": ecdsa.certPem, "blitzhub-edge:privateKey": edgeTestCertificate({ dnsNames: ["x.example.com"] }).keyPem });
            attempt({ "blitzhub-edge:certificate": ecdsa.certPem, "blitzhub-edge:privateKey": ecdsa.keyPem, "blitzhub-edge:caCertificate": ecdsa.caPem });
        });
        const [refused, mismatched, accepted] = attempts;
        expect(isUserInputError(refused.caught), String(refused.caught)).toBe(true);
        expect((refused.caught as UserInputError).problems.map((p) => p.path)).toEqual(["Pulumi.eu.yaml: blitzhub-edge:certificate", "Pulumi.eu.yaml: blitzhub-edge:privateKey"]);
        expect((mismatched.caught as UserInputError).problems.map((p) => p.message)).toEqual([expect.stringContaining("the private key is not the certificate's")]);
        expect(accepted.caught).toBeUndefined();
        expect(accepted.edge).toBeDefined();
    });
});

describe("manual secrets (blitzhub-secrets:<path>)", () => {
    const topology = loadTopology("topology/blitzhub.yaml");
    const critical = `${MANUAL_SECRETS_NAMESPACE}:alertmanager/slack_critical_url`;

    it("are read as secrets by Vault path, and a key that names no manual secret of the catalogue stops the program", async () => {
        let caught: unknown;
        let values: Record<string, pulumi.Output<string>> = {};
        await runWithMocks(() => {
            const typo = `${MANUAL_SECRETS_NAMESPACE}:alertmanager/slack_critcal_url`;
            pulumi.runtime.setAllConfig({ [critical]: "https://hooks.example/critical", [typo]: "x" }, [critical, typo]);
            try {
                readManualSecrets(topology, "Pulumi.eu.yaml");
            } catch (error) {
                caught = error;
            }
            pulumi.runtime.setAllConfig({ [critical]: "https://hooks.example/critical" }, [critical]);
            values = readManualSecrets(topology, "Pulumi.eu.yaml");
        });
        expect(isUserInputError(caught), String(caught)).toBe(true);
        expect((caught as UserInputError).problems).toEqual([
            expect.objectContaining({ path: "Pulumi.eu.yaml: blitzhub-secrets:alertmanager/slack_critcal_url", message: expect.stringMatching(/^no manual secret secret\/alertmanager\/slack_critcal_url in the catalogue \(it has: .*alertmanager\/slack_critical_url/) }),
        ]);
        expect(Object.keys(values)).toEqual(["secret/alertmanager/slack_critical_url"]);
        expect(await pulumi.isSecret(values["secret/alertmanager/slack_critical_url"])).toBe(true);
        expect(await valueOf(values["secret/alertmanager/slack_critical_url"])).toBe("https://hooks.example/critical");
    });

    it("are refused in plain text in a committed stack file, whatever their name", () => {
        const problems = plaintextSecretProblems({ [critical]: "https://hooks.example/critical", "blitzhub-secrets:solana_keypair": { secure: "v1:abc" } }, "Pulumi.eu.yaml", () => 12);
        expect(problems).toEqual([expect.objectContaining({ path: `Pulumi.eu.yaml: ${critical}`, line: 12, message: expect.stringContaining(`pulumi config set --secret ${critical} -s eu`) })]);
    });
});
