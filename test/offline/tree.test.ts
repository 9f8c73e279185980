/**
 * The human plan of every stack, in-process over one engine run of the real program: the tree
 * lists exactly the resources its counts count (parsed back and compared with the JSON plan),
 * `--summary` keeps the counts, `--account`/`--type` narrow tree, counts and JSON alike, and
 * `--outputs` prints the stacks' outputs as `pulumi stack output` does, secrets as `[secret]`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isUserInputError } from "../../model/errors";
import { REGION_KEYS } from "../../model/schema";
import type { PlannedStack } from "../../offline/engine";
import { sharedPlan } from "../sharedPlan";
import { planJson } from "../../offline/formatJson";
import { formatOutputsJson, formatOutputsText } from "../../offline/formatOutputs";
import { formatPlanTree } from "../../offline/formatTree";
import { mockSecretValue } from "../../offline/mocks";
import { filterPlan, shortType, type PlanFilter } from "../../offline/planFilter";

interface ParsedGroup {
    label: string;
    counted: number;
    /** `name  type` of every resource line under the group. */
    listed: string[];
}

interface ParsedStack {
    stack: string;
    accounts: number;
    counted: number;
    groups: ParsedGroup[];
}

/** Reads the stack sections of a printed plan back: headers, group counts and resource lines. */
function parseTree(text: string): ParsedStack[] {
    const stacks: ParsedStack[] = [];
    let current: ParsedStack | undefined;
    for (const line of text.split("\n")) {
        const header = /^Stack (\w+): (\d+) accounts?, (\d+) resources?$/.exec(line);
        if (header) {
            current = { stack: header[1], accounts: Number(header[2]), counted: Number(header[3]), groups: [] };
            stacks.push(current);
            continue;
        }
        if (current === undefined) continue;
        if (line === "") {
            current = undefined;
            continue;
        }
        const group = /^ {2}(\S[^:]*): (\d+) resources? \(/.exec(line);
        if (group) {
            current.groups.push({ label: group[1], counted: Number(group[2]), listed: [] });
            continue;
        }
        const resource = /^ {4,}(\S+) {2}(\S+)( {2}\[[a-z, ]+\])?$/.exec(line);
        if (!resource) throw new Error(`unexpected line in stack ${current.stack}: ${JSON.stringify(line)}`);
        current.groups[current.groups.length - 1].listed.push(`${resource[1]}  ${resource[2]}`);
    }
    return stacks;
}

/** What the tree prints for a resource: its name, then its short type (custom) or `<token>` (component). */
function expectedLabel(r: { name: string; type: string; custom: boolean }): string {
    return `${r.name}  ${r.custom ? shortType(r.type) : `<${r.type}>`}`;
}

const sorted = (items: string[]) => [...items].sort();

let stacks: PlannedStack[];

beforeAll(async () => {
    stacks = await sharedPlan();
}, 600_000);

describe("the plan tree", () => {
    it("lists, for every stack, exactly the resources its counts count: each under its account or (no account)", () => {
        const parsed = parseTree(formatPlanTree(stacks));
        const json = planJson(stacks);
        expect(parsed.map((s) => s.stack)).toEqual(json.stacks.map((s) => s.stack));
        for (const [i, stack] of parsed.entries()) {
            const planned = stacks[i];
            const resources = json.stacks[i].resources;
            const custom = new Map(planned.resources.map((r) => [r.urn, r.custom]));
            const labelOf = (r: (typeof resources)[number]) => expectedLabel({ ...r, custom: custom.get(r.urn)! });
            expect(stack.counted, stack.stack).toBe(resources.length);
            expect(sorted(stack.groups.flatMap((g) => g.listed)), stack.stack).toEqual(sorted(resources.map(labelOf)));
            expect(stack.groups.reduce((n, g) => n + g.counted, 0), stack.stack).toBe(resources.length);
            for (const group of stack.groups) {
                const account = group.label === "(no account)" ? null : group.label;
                const own = resources.filter((r) => r.account === account);
                expect(group.listed.length, `${stack.stack} ${group.label}`).toBe(group.counted);
                expect(sorted(group.listed), `${stack.stack} ${group.label}`).toEqual(sorted(own.map(labelOf)));
            }
            expect(stack.accounts).toBe(stack.groups.filter((g) => g.label !== "(no account)").length);
        }
    });

    it("shows the resources outside every account: the stack, the eu stack reference, the catalogue's passwords", () => {
        const [eu, na] = parseTree(formatPlanTree(stacks));
        const euOutside = eu.groups.find((g) => g.label === "(no account)")!;
        expect(euOutside.listed).toContain("blitzhub-eu  <pulumi:pulumi:Stack>");
        // 14: Redis's passwords are derived per cluster from the internal PKI's seed, not catalogue secrets.
        expect(euOutside.listed.filter((l) => l.endsWith("  random:index/RandomPassword")).length).toBe(14);
        const naOutside = na.groups.find((g) => g.label === "(no account)")!;
        // No stack file names the eu stack: it is that of the stack's own organization.
        expect(naOutside.listed).toContain("organization/blitzhub/eu  pulumi:pulumi:StackReference");
        const references = stacks.flatMap((s) => s.resources).filter((r) => r.type === "pulumi:pulumi:StackReference");
        expect(references.map((r) => r.inputs.name)).toEqual(["organization/blitzhub/eu", "organization/blitzhub/eu", "organization/blitzhub/eu", "organization/blitzhub/eu"]);
    });

    it("says 1 account, 1 DRG, 1 VCN in the singular and the rest in the plural", () => {
        const sa = stacks.filter((s) => s.stack === "sa");
        const text = formatPlanTree(sa);
        expect(text).toMatch(/^Stack sa: 1 account, \d+ resources$/m);
        expect(text).toMatch(/^Totals: 1 stack \(sa\), 1 account, /m);
        expect(text).toMatch(/^ {2}network: 1 VCN, 2 subnets, 1 DRG, \d+ NSGs, \d+ NSG rules, 1 RPC$/m);
        expect(text).toMatch(/storage over the allowance in 0 of 1 account$/m);
        expect(text).not.toMatch(/\b1 (accounts|resources|stacks|VCNs|DRGs|RPCs|components|instances|LBs)\b/);
        expect(formatPlanTree(stacks)).toMatch(/^Totals: 5 stacks \(eu, na, sa, as, au\), 15 accounts, /m);
    });

    it("--summary prints the same counts without a resource line", () => {
        const full = formatPlanTree(stacks);
        const summary = formatPlanTree(stacks, { summary: true });
        const parsed = parseTree(summary);
        for (const stack of parsed) for (const group of stack.groups) expect(group.listed).toEqual([]);
        const counts = (text: string) => text.split("\n").filter((l) => !/^ {4,}\S+ {2}\S/.test(l) || /^ {4}- /.test(l));
        expect(counts(summary)).toEqual(counts(full));
        expect(summary.split("\n").length).toBeLessThan(120);
    });
});

describe("plan filters", () => {
    const narrowed = (filter: PlanFilter) => filterPlan(stacks, filter);

    it("--account and --type select the same resources in the tree, its counts and the JSON", () => {
        const filter = { accounts: ["eu-fe-01", "NA-BE-01"], types: ["Instance"] };
        const selected = narrowed(filter);
        const expected = stacks.flatMap((s) => s.resources).filter((r) => (r.account === "EU-FE-01" || r.account === "NA-BE-01") && r.type === "oci:Core/instance:Instance");
        expect(expected.length).toBe(6);
        const json = planJson(selected);
        expect(json.stacks.flatMap((s) => s.resources.map((r) => r.urn)).sort()).toEqual(expected.map((r) => r.urn).sort());
        const text = formatPlanTree(selected, { filter });
        expect(text.split("\n")[0]).toBe("Only the resources of --account eu-fe-01,NA-BE-01 --type Instance; every count below is of them.");
        const parsed = parseTree(text);
        expect(sorted(parsed.flatMap((s) => s.groups.flatMap((g) => g.listed)))).toEqual(sorted(expected.map(expectedLabel)));
        expect(parsed.flatMap((s) => s.groups.map((g) => g.label)).filter((l) => l !== "(no account)").sort()).toEqual(["EU-FE-01", "NA-BE-01"]);
        expect(text).toMatch(/^Totals: 5 stacks \(eu, na, sa, as, au\), 2 accounts, 6 resources \(6 custom, 0 components\)$/m);
        expect(text).not.toContain("Dependencies:");
    });

    it("--type takes the token, its short form or its last part in any case", () => {
        const urns = (types: string[]) => narrowed({ types }).flatMap((s) => s.resources.map((r) => r.urn));
        const byToken = urns(["oci:Core/instance:Instance"]);
        expect(byToken.length).toBe(45);
        expect(urns(["oci:Core/Instance"])).toEqual(byToken);
        expect(urns(["instance"])).toEqual(byToken);
        expect(urns(["RandomPassword", "oci:LoadBalancer/LoadBalancer"]).length).toBe(14 + 15);
        // Components by their token or class name; the account filter alone keeps whole accounts.
        expect(urns(["FrontendAccount"]).length).toBe(stacks.flatMap((s) => s.resources).filter((r) => r.type.endsWith(":FrontendAccount")).length);
        const account = narrowed({ accounts: ["SA-FE-01"] }).flatMap((s) => s.resources);
        expect(account.length).toBe(stacks.find((s) => s.stack === "sa")!.resources.filter((r) => r.account === "SA-FE-01").length);
    });

    it("refuses names that select nothing, naming the option", () => {
        const problems = (filter: PlanFilter, of = stacks) => {
            try {
                filterPlan(of, filter);
            } catch (error) {
                if (isUserInputError(error)) return error.problems.map((p) => `${p.path}: ${p.message}`);
                throw error;
            }
            return [];
        };
        expect(problems({ accounts: ["EU-FE-99"] })).toEqual([expect.stringMatching(/^--account: unknown account "EU-FE-99" \(accounts of stacks eu, na, sa, as, au: EU-NET-01, EU-FE-01, .*AU-FE-01\)$/)]);
        expect(problems({ accounts: ["eu-fe-01"] }, stacks.filter((s) => s.stack === "sa"))).toEqual([
            "--account: EU-FE-01 is an account of stack eu, which was not planned (-s eu or -s all)",
        ]);
        expect(problems({ types: ["Instanse"] })).toEqual([expect.stringMatching(/^--type: no resource of type "Instanse" in the plan/)]);
    });
});

describe("--outputs", () => {
    it("prints each stack's outputs as pulumi stack output does: sorted, strings bare, the rest as JSON", () => {
        const text = formatOutputsText(stacks);
        const sections = text.trimEnd().split("\n\n");
        expect(sections.length).toBe(5);
        for (const [i, section] of sections.entries()) {
            const outputs = stacks[i].outputs;
            const keys = Object.keys(outputs).sort();
            const lines = section.split("\n");
            expect(lines[0]).toBe(`Stack ${stacks[i].stack}`);
            expect(lines[1]).toBe(`Current stack outputs (${keys.length}):`);
            expect(lines[2]).toMatch(/^ {4}OUTPUT {2,}VALUE$/);
            // OUTPUT padded to the longest name, two spaces, VALUE.
            const valueAt = lines[2].indexOf("VALUE");
            expect(valueAt).toBe(4 + Math.max(6, ...keys.map((k) => k.length)) + 2);
            expect(lines.length).toBe(3 + keys.length);
            for (const [j, key] of keys.entries()) {
                const line = lines[3 + j];
                expect(line.slice(0, valueAt)).toBe(`    ${key}`.padEnd(valueAt));
                const value = line.slice(valueAt);
                if (typeof outputs[key] === "string") expect(value).toBe(outputs[key]);
                else expect(JSON.parse(value)).toEqual(outputs[key]);
            }
        }
        expect(text).toMatch(/^ {4}region {2,}na$/m);
    });

    it("shows secrets as [secret] in text and JSON, and never a generated password", () => {
        const text = formatOutputsText(stacks);
        const json = JSON.parse(formatOutputsJson(stacks)) as Record<string, Record<string, unknown>>;
        expect(Object.keys(json)).toEqual(["eu", "na", "sa", "as", "au"]);
        expect(json.eu.secretValues).toBe("[secret]");
        expect(text).toMatch(/^ {4}secretValues {2,}\[secret\]$/m);
        const passwords = stacks.flatMap((s) => s.resources).filter((r) => r.type === "random:index/randomPassword:RandomPassword");
        expect(passwords.length).toBe(14);
        for (const r of passwords) {
            const value = mockSecretValue(r.type, r.name, Number(r.inputs.length));
            expect(text.includes(value), r.name).toBe(false);
            expect(JSON.stringify(json).includes(value), r.name).toBe(false);
        }
    });
});
