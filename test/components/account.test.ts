/**
 * The `Account` component on its own: its type token comes from the role (the URNs of the
 * nine former per-role classes), and arguments it cannot build from fail as a `ResourceError`
 * naming the account before it has any child.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Account, type AccountArgs, accountTypeToken } from "../../components/Account";
import { ROLE_NAMES } from "../../model/schema";
import { componentPlan, groupOf, SSH_KEYS, tenancyOf } from "./fixture";
import { runWithMocks } from "./harness";

describe("Account", () => {
    it("takes the type token each role's class had", () => {
        expect(ROLE_NAMES.map(accountTypeToken)).toEqual([
            ...ROLE_NAMES.map((role) => `blitzhub:${role}:${{ frontend: "Frontend", backend: "Backend", solana: "Solana", security: "Security", monitoring: "Monitoring", management: "Management", data: "Data", logs: "Logs", network: "Network" }[role]}Account`),
        ]);
    });

    it("refuses a plan with a database but no admin password, naming the account, before any child exists", async () => {
        const plan = componentPlan();
        const data = plan.accounts.find((a) => a.autonomousDatabase)!;
        const args: AccountArgs = {
            plan: data,
            addressSpace: plan.addressSpace,
            providerArgs: { region: data.homeRegion },
            tenancyOcid: tenancyOf(data.name),
            networkAdminGroupOcid: groupOf(data.name),
            sshAuthorizedKeys: SSH_KEYS,
            image: { operatingSystem: "Canonical Ubuntu", version: "22.04" },
            peering: { spokes: [] },
            cloudInit: () => "#cloud-config\n",
            securityNotifications: { emails: ["secops@example.com"], https: [] },
        };
        const run = await runWithMocks(() => {
            try {
                new Account(data.name, args);
                return undefined;
            } catch (error) {
                return error;
            }
        });
        expect(run.result).toBeInstanceOf(pulumi.ResourceError);
        expect((run.result as Error).message).toBe(`${data.name}: no admin password for ${data.autonomousDatabase!.resourceName}`);
        const account = run.resources.find((r) => r.type === accountTypeToken(data.role));
        expect(account?.name).toBe(data.name);
        expect(run.resources.filter((r) => r.parent === account!.resource).map((r) => r.name)).toEqual([]);
    });
});
