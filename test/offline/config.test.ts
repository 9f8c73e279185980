import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UserInputError } from "../../model/errors";
import { REGION_KEYS } from "../../model/schema";
import { loadTopology } from "../../model/load";
import { checkStackAgainstTopology, ociProviderArgs, parseStackConfig, PROJECT_DIR, readOciProfile } from "../../stacks/config";
import { ociProfileFrom, parseOciConfig } from "../../stacks/configOciProfile";

const EXAMPLE = path.join(PROJECT_DIR, "config", "oci-config.example");

function problemsOf(fn: () => unknown): string[] {
    try {
        fn();
    } catch (error) {
        if (error instanceof UserInputError) return error.problems.map((p) => `${p.path}${p.line ? `:${p.line}` : ""}: ${p.message}`);
        throw error;
    }
    throw new Error("expected a UserInputError");
}

describe("OCI config profiles", () => {
    const text = ["[DEFAULT]", "region=eu-frankfurt-1", "", "[A]", "user=ocid1.user.oc1..a", "fingerprint=aa:bb", "key_file=~/.oci/a.pem", "tenancy=ocid1.tenancy.oc1..a", "pass_phrase=hunter2", "", "[B]", "user=ocid1.user.oc1..b"].join("\n");

    it("reads a profile and inherits [DEFAULT]", () => {
        const profile = ociProfileFrom(parseOciConfig(text, "cfg"), "cfg", "A");
        expect(profile).toEqual({
            name: "A",
            user: "ocid1.user.oc1..a",
            fingerprint: "aa:bb",
            keyFile: "~/.oci/a.pem",
            tenancy: "ocid1.tenancy.oc1..a",
            region: "eu-frankfurt-1",
            passPhrase: "hunter2",
        });
    });

    it("names the profile and every missing key", () => {
        expect(problemsOf(() => ociProfileFrom(parseOciConfig(text, "cfg"), "cfg", "B"))).toEqual([
            'cfg: [B].fingerprint: profile "B" has no "fingerprint"',
            'cfg: [B].key_file: profile "B" has no "key_file"',
            'cfg: [B].tenancy: profile "B" has no "tenancy"',
        ]);
        expect(problemsOf(() => ociProfileFrom(parseOciConfig(text, "cfg"), "cfg", "NOPE"))).toEqual(['cfg: [NOPE]: profile "NOPE" not found (profiles: A, B)']);
    });

    it("rejects a line that is neither a section nor key=value, with its line", () => {
        expect(problemsOf(() => parseOciConfig("[A]\nuser ocid\n", "cfg"))).toEqual(['cfg:2: expected "[PROFILE]" or "key=value", got "user ocid"']);
    });

    it("the example config has a complete profile for every account of every stack file", () => {
        for (const stack of REGION_KEYS) {
            const file = parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")).config;
            for (const [account, cfg] of Object.entries(file["blitzhub:accounts"] as Record<string, { profile: string }>)) {
                const profile = readOciProfile(EXAMPLE, cfg.profile);
                expect(profile.tenancy, account).toMatch(/^ocid1\.tenancy\.oc1\.\.example/);
                expect(profile.user, account).toMatch(/^ocid1\.user\.oc1\.\.example/);
            }
        }
    });

    it("provider args take the key by path, keep the passphrase secret and ignore Oracle's tags", async () => {
        const profile = ociProfileFrom(parseOciConfig(text, "cfg"), "cfg", "A");
        const args = ociProviderArgs(profile, "us-ashburn-1");
        expect(args.tenancyOcid).toBe("ocid1.tenancy.oc1..a");
        expect(args.userOcid).toBe("ocid1.user.oc1..a");
        expect(args.privateKeyPath).toMatch(/\/\.oci\/a\.pem$/);
        expect(args.privateKeyPath).not.toContain("~");
        expect(args.privateKey).toBeUndefined();
        expect(args.region).toBe("us-ashburn-1");
        expect(args.ignoreDefinedTags).toEqual(["Oracle-Tags.CreatedBy", "Oracle-Tags.CreatedOn"]);
        const password = args.privateKeyPassword as unknown as { isSecret: Promise<boolean>; promise(): Promise<string> };
        expect(await password.isSecret).toBe(true);
    });
});

describe("stack config schema", () => {
    const good = {
        region: "eu",
        accounts: { "EU-FE-01": { profile: "EU-FE-01", networkAdminGroupOcid: "ocid1.group.oc1..exampleeufe01" } },
        operators: [{ name: "alice", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEJMSVRaSFVCLUVYQU1QTEUtS0VZLU5PVC1SRUFMISEh x"] }],
        deployPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEJMSVRaSFVCLUVYQU1QTEUtREVQTE9ZLU5PVC1SRUFMISEh deploy",
        securityNotifications: { emails: ["secops@example.com"] },
    };

    it("takes security notifications as email addresses and https endpoints, at least one", () => {
        expect(parseStackConfig({ ...good, securityNotifications: { https: ["https://hooks.example.com/oci"] } }, "Pulumi.eu.yaml").securityNotifications).toEqual({
            emails: [],
            https: ["https://hooks.example.com/oci"],
        });
        expect(problemsOf(() => parseStackConfig({ ...good, securityNotifications: { emails: ["secops"], https: ["http://hooks.example.com"] } }, "Pulumi.eu.yaml")).sort()).toEqual([
            "Pulumi.eu.yaml: blitzhub:securityNotifications.emails[0]: must be an email address such as secops@example.com",
            "Pulumi.eu.yaml: blitzhub:securityNotifications.https[0]: must be an https:// URL",
        ]);
        expect(problemsOf(() => parseStackConfig({ ...good, securityNotifications: {} }, "Pulumi.eu.yaml"))).toEqual([
            "Pulumi.eu.yaml: blitzhub:securityNotifications: needs at least one email address or https endpoint",
        ]);
        const { securityNotifications: _n, ...without } = good;
        expect(problemsOf(() => parseStackConfig(without, "Pulumi.eu.yaml"))).toEqual(["Pulumi.eu.yaml: blitzhub:securityNotifications: required"]);
    });

    it("accepts a minimal config and applies defaults", () => {
        const config = parseStackConfig(good, "Pulumi.eu.yaml");
        expect(config.topology).toBe("topology/blitzhub.yaml");
        expect(config.ociConfigFile).toBe("~/.oci/config");
        // Unset: the program reads the eu stack of its own organization (euStackName).
        expect(config.euStack).toBeUndefined();
    });

    it("takes blitzhub:euStack only as <organization>/<project>/<stack>", () => {
        expect(parseStackConfig({ ...good, euStack: "acme/blitzhub/eu" }, "Pulumi.na.yaml").euStack).toBe("acme/blitzhub/eu");
        expect(problemsOf(() => parseStackConfig({ ...good, euStack: "eu" }, "Pulumi.na.yaml"))).toEqual([
            "Pulumi.na.yaml: blitzhub:euStack: must name the eu stack as <organization>/<project>/<stack>, e.g. acme/blitzhub/eu",
        ]);
    });

    it("names the stack file and key of every problem", () => {
        const bad = {
            ...good,
            region: "mars",
            colour: "blue",
            accounts: { "EU-FE-01": { networkAdminGroupOcid: "not-an-ocid" } },
        };
        expect(problemsOf(() => parseStackConfig(bad, "Pulumi.eu.yaml")).sort()).toEqual(
            [
                "Pulumi.eu.yaml: blitzhub:accounts.EU-FE-01.networkAdminGroupOcid: must be an OCI group OCID",
                "Pulumi.eu.yaml: blitzhub:accounts.EU-FE-01.profile: required",
                "Pulumi.eu.yaml: blitzhub:colour: unknown key",
                expect.stringMatching(/^Pulumi\.eu\.yaml: blitzhub:region: /),
            ].sort(),
        );
    });

    const peer = (name: string, host: number, byte: string) => ({ name, publicKey: Buffer.alloc(32, byte).toString("base64"), host });

    it("takes WireGuard peers with a wg public key and a host number, none shared", () => {
        const config = parseStackConfig({ ...good, wireguardPeers: [peer("alice-laptop", 10, "a"), peer("bob", 11, "b")] }, "Pulumi.eu.yaml");
        expect(config.wireguardPeers.map((p) => p.host)).toEqual([10, 11]);
        expect(parseStackConfig(good, "Pulumi.eu.yaml").wireguardPeers).toEqual([]);
        const bad = [
            { name: "Alice", publicKey: "not-a-key", host: 1 },
            peer("bob", 255, "b"),
            peer("carol", 12, "c"),
            { ...peer("erin", 14, "e"), unknown: true },
        ];
        expect(problemsOf(() => parseStackConfig({ ...good, wireguardPeers: bad }, "Pulumi.eu.yaml")).sort()).toEqual(
            [
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[0].name: must be lower-case letters, digits and dashes (alice-laptop)",
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[0].publicKey: must be a WireGuard public key (44 characters of base64, from wg pubkey)",
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[0].host: must be 2-254 (1 is the bastion)",
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[1].host: must be 2-254 (1 is the bastion)",
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[3].unknown: unknown key",
            ].sort(),
        );
        const duplicates = [peer("carol", 12, "c"), peer("carol", 13, "c"), peer("dave", 12, "d")];
        expect(problemsOf(() => parseStackConfig({ ...good, wireguardPeers: duplicates }, "Pulumi.eu.yaml")).sort()).toEqual(
            [
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[1].name: same name as wireguardPeers[0]",
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[1].publicKey: same publicKey as wireguardPeers[0]",
                "Pulumi.eu.yaml: blitzhub:wireguardPeers[2].host: same host as wireguardPeers[0]",
            ].sort(),
        );
    });

    it("takes one login per person: no shared key, no reserved or shared login, a real crypt hash", () => {
        const key = good.operators[0].sshPublicKeys[0];
        const bad = {
            ...good,
            operators: [
                { name: "alice", sshPublicKeys: [key] },
                { name: "bob", sshPublicKeys: [key.replace(/ x$/, " bob")], sudoPasswordHash: "hunter2" },
                { name: "ops", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps"] },
            ],
        };
        expect(problemsOf(() => parseStackConfig(bad, "Pulumi.eu.yaml")).sort()).toEqual([
            "Pulumi.eu.yaml: blitzhub:operators[1].sshPublicKeys[0]: same key as operator alice: one key, one person",
            "Pulumi.eu.yaml: blitzhub:operators[1].sudoPasswordHash: must be a SHA-512 ($6$) or yescrypt ($y$) crypt hash, e.g. from mkpasswd -m sha-512",
            "Pulumi.eu.yaml: blitzhub:operators[2].name: is a reserved or shared login (root, deploy, ops, ubuntu, ...): use the person's own name",
        ]);
        const { operators: _o, ...old } = good;
        expect(problemsOf(() => parseStackConfig({ ...old, sshAuthorizedKeys: [key] }, "Pulumi.eu.yaml")).sort()).toEqual([
            "Pulumi.eu.yaml: blitzhub:operators: required",
            "Pulumi.eu.yaml: blitzhub:sshAuthorizedKeys: unknown key: replaced by blitzhub:operators (one login per person) and blitzhub:deployPublicKey (the delivery account)",
        ]);
    });

    it("tells a value of the wrong type from a missing one", () => {
        const wrong = { ...good, operators: "alice", wireguardPeers: [{ name: "alice", publicKey: Buffer.alloc(32, "a").toString("base64"), host: "10" }] };
        expect(problemsOf(() => parseStackConfig(wrong, "Pulumi.eu.yaml")).sort()).toEqual([
            "Pulumi.eu.yaml: blitzhub:operators: expected array, got string",
            "Pulumi.eu.yaml: blitzhub:wireguardPeers[0].host: expected number, got string",
        ]);
        const { region: _region, ...withoutRegion } = good;
        expect(problemsOf(() => parseStackConfig(withoutRegion, "Pulumi.eu.yaml"))).toEqual(["Pulumi.eu.yaml: blitzhub:region: required"]);
    });

    it("refuses WireGuard peers on a stack whose region runs no bastion", () => {
        const topology = loadTopology(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"));
        const na = {
            region: "na",
            accounts: Object.fromEntries(
                topology.accounts.filter((a) => a.region === "na").map((a) => [a.name, { profile: a.name, networkAdminGroupOcid: "ocid1.group.oc1..examplena" }]),
            ),
            operators: good.operators,
            deployPublicKey: good.deployPublicKey,
            securityNotifications: good.securityNotifications,
        };
        const withPeers = parseStackConfig({ ...na, wireguardPeers: [peer("alice", 10, "a")] }, "Pulumi.na.yaml");
        expect(problemsOf(() => checkStackAgainstTopology(withPeers, topology, "na", "Pulumi.na.yaml"))).toEqual([
            "Pulumi.na.yaml: blitzhub:wireguardPeers: no WireGuard bastion runs in region na: set the peers on the stack of the management account",
        ]);
        expect(() => checkStackAgainstTopology(parseStackConfig(na, "Pulumi.na.yaml"), topology, "na", "Pulumi.na.yaml")).not.toThrow();
    });

    it("every committed stack file is valid, holds only example OCIDs and lists its own region", () => {
        for (const stack of REGION_KEYS) {
            const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
            const raw = Object.fromEntries(
                Object.entries(parse(text).config as Record<string, unknown>).map(([k, v]) => [k.replace(/^blitzhub:/, ""), v]),
            );
            const config = parseStackConfig(raw, `Pulumi.${stack}.yaml`);
            expect(config.region).toBe(stack);
            for (const ocid of text.match(/ocid1\.[a-z]+\.oc1\.[^\s]*/g) ?? []) expect(ocid).toContain("example");
            expect(text).not.toMatch(/PRIVATE KEY/);
        }
    });
});
