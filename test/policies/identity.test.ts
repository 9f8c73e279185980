import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import { isPasswordlessRoot, passwordlessRootLogins, sharedAdminIdentity } from "../../policies/identity/sharedAdminIdentity";
import { renderCloudInit } from "../../render/index";
import { encodeUserData } from "../../render/userData";
import { realPlan } from "../render/fixtures";
import { check, compliantAccount, token } from "./fixtures";

const { plan } = realPlan();
const operators = [{ name: "alice", sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice"], sudoPasswordHash: "$6$saltsaltsaltsalt$hashhashhashhashhashhash" }];
/** The rendered cloud-init of a VM of the plan, as the instance's `metadata.user_data`. */
const rendered = (account: string, vm: string) => encodeUserData(renderCloudInit(plan, account, vm, { operators, deployPublicKey: "ssh-ed25519 AAAA deploy" }));
/** The shared identity this replaced: one `ops` login, NOPASSWD:ALL, one key set for everyone (plain base64, as older VMs carry it). */
const sharedOps = Buffer.from(
    ["#cloud-config", "users:", "  - name: ops", "    groups: [sudo]", '    sudo: "ALL=(ALL) NOPASSWD:ALL"', "    ssh_authorized_keys: [ssh-ed25519 AAAA everyone]"].join("\n"),
).toString("base64");

function withUserData(account: "EU-BE-01" | "EU-FE-01", vcnCidr: string, userData: (name: string) => string) {
    return compliantAccount({ account, role: account === "EU-BE-01" ? "backend" : "frontend", region: "eu", vcnCidr }).map((r) =>
        r.type === token(oci.core.Instance) ? { ...r, inputs: { ...r.inputs, metadata: { ...(r.inputs.metadata as object), user_data: userData(r.name) } } } : r,
    );
}

describe("no-shared-admin-identity (mandatory)", () => {
    it("reads sudo rules: NOPASSWD with the command ALL is root by key alone", () => {
        expect(isPasswordlessRoot("ALL=(ALL) NOPASSWD:ALL")).toBe(true);
        expect(isPasswordlessRoot("ALL=(ALL:ALL) NOPASSWD: /bin/ls, ALL")).toBe(true);
        expect(isPasswordlessRoot("ALL=(ALL:ALL) ALL")).toBe(false);
        expect(isPasswordlessRoot('ALL=(root) NOPASSWD: /usr/local/sbin/blitzhub-deliver ""')).toBe(false);
        expect(passwordlessRootLogins(Buffer.from(sharedOps, "base64").toString())).toEqual(["ops"]);
        expect(passwordlessRootLogins("#cloud-config\nusers: [default]\n")).toEqual(["default (the image's user)"]);
        expect(passwordlessRootLogins("#cloud-config\nwrite_files:\n  - path: /etc/sudoers.d/x\n    content: |\n      admin ALL=(ALL) NOPASSWD: ALL\n")).toEqual(["admin"]);
    });

    it("passes the rendered cloud-init of every VM: per-person logins with password sudo, deploy limited to delivery", async () => {
        const fe = plan.accounts.find((a) => a.name === "EU-FE-01")!;
        const be = plan.accounts.find((a) => a.name === "EU-BE-01")!;
        const resources = [
            ...withUserData("EU-BE-01", "10.0.2.0/27", () => rendered(be.name, be.vms[0].name)),
            ...withUserData("EU-FE-01", "10.0.1.0/27", () => rendered(fe.name, fe.vms[0].name)),
        ];
        expect(resources.filter((r) => r.type === token(oci.core.Instance)).length).toBeGreaterThan(1);
        expect(await check(sharedAdminIdentity, resources)).toEqual([]);
        for (const a of plan.accounts) for (const vm of a.vms) expect(passwordlessRootLogins(Buffer.from(rendered(a.name, vm.name), "base64").toString()), vm.resourceName).toEqual([]);
    });

    it("rejects one NOPASSWD:ALL login on VMs of two tenancies", async () => {
        const resources = [...withUserData("EU-BE-01", "10.0.2.0/27", () => sharedOps), ...withUserData("EU-FE-01", "10.0.1.0/27", () => sharedOps)];
        const violations = await check(sharedAdminIdentity, resources);
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatchObject({ policy: "no-shared-admin-identity", enforcement: "mandatory", account: "EU-BE-01" });
        expect(violations[0].message).toMatch(/^login ops is root without a password on \d+ VMs in 2 tenancies \(eu-be-01-/);
    });
});
