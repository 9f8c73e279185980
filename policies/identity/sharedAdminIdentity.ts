import * as oci from "@pulumi/oci";
import { parse } from "yaml";
import { decodeUserData } from "../../render/userData";
import { type BlitzStackPolicy, PROJECT_RULE } from "../lib/policy";
import { accountOf } from "../lib/tenancy";
import { whenKnown } from "../lib/unknown";

/**
 * A sudo rule (`who hosts=(runas) TAGS: commands`) that gives root without asking anyone for
 * anything: NOPASSWD and the command `ALL`.
 */
export function isPasswordlessRoot(rule: string): boolean {
    const spec = rule.includes("=") ? rule.slice(rule.indexOf("=") + 1) : rule;
    if (!/\bNOPASSWD\s*:/.test(spec)) return false;
    const commands = spec.replace(/^\s*\([^)]*\)\s*/, "").replace(/\b[A-Z_]+\s*:\s*/g, "");
    return commands.split(",").some((c) => c.trim() === "ALL");
}

/** Logins a cloud-config makes root by their SSH key alone: users' `sudo` rules, sudoers drop-ins, and the image's default user. */
export function passwordlessRootLogins(cloudConfig: string): string[] {
    let doc: { users?: unknown[]; write_files?: { path?: string; content?: string }[] } | null;
    try {
        doc = parse(cloudConfig) as typeof doc;
    } catch {
        return [];
    }
    const logins = new Set<string>();
    for (const user of doc?.users ?? []) {
        // cloud-init's default user (the image's `ubuntu`/`opc`) is made with NOPASSWD:ALL.
        if (user === "default") logins.add("default (the image's user)");
        if (typeof user !== "object" || user === null) continue;
        const { name, sudo } = user as { name?: string; sudo?: unknown };
        const rules = Array.isArray(sudo) ? sudo : typeof sudo === "string" ? [sudo] : [];
        if (name && rules.some((r) => typeof r === "string" && isPasswordlessRoot(r))) logins.add(name);
    }
    for (const file of doc?.write_files ?? []) {
        if (!file.path?.startsWith("/etc/sudoers")) continue;
        for (const line of (file.content ?? "").split("\n")) {
            const m = /^\s*([%\w.-]+)\s+(\S+\s*=.*)$/.exec(line);
            if (m && !line.trimStart().startsWith("#") && m[1] !== "Defaults" && isPasswordlessRoot(m[2])) logins.add(m[1]);
        }
    }
    return [...logins].sort();
}

/**
 * Mandatory: no login is root by its key alone on more than one VM. Such a login is a shared
 * identity: whoever holds (or copied) one key is root everywhere and the logs cannot say who
 * acted. Per-person logins whose sudo asks for their own password, and a delivery account limited
 * to one command, pass. Reads each instance's cloud-init user data; a value not known yet during
 * a preview (a new VM's user data depends on its host key) is skipped.
 */
export const sharedAdminIdentity: BlitzStackPolicy = {
    name: "no-shared-admin-identity",
    description: "No login gets root without a password (sudo NOPASSWD: ALL, cloud-init's default user) on more than one VM.",
    enforcementLevel: "mandatory",
    // CIS OCI and Checkov cover OCI IAM, not the logins on the VMs: a project rule.
    frameworks: PROJECT_RULE,
    remediationSteps:
        "Give each person their own login with sudo that asks their password (blitzhub:operators), and automation an account limited to one command (the deploy account); never one NOPASSWD:ALL login on many VMs.",
    validateStack: (args, reportViolation) => {
        const grants = new Map<string, { urn: string; vm: string; account: string }[]>();
        for (const r of args.resources.filter((x) => x.isType(oci.core.Instance))) {
            const encoded = whenKnown(() => (r.props.metadata as Record<string, unknown> | undefined)?.user_data, undefined);
            if (typeof encoded !== "string") continue;
            const text = decodeUserData(encoded);
            for (const login of passwordlessRootLogins(text)) {
                grants.set(login, [...(grants.get(login) ?? []), { urn: r.urn, vm: r.name, account: accountOf(r) ?? "?" }]);
            }
        }
        for (const [login, where] of grants) {
            if (where.length < 2) continue;
            const tenancies = [...new Set(where.map((w) => w.account))];
            reportViolation(
                `login ${login} is root without a password on ${where.length} VMs in ${tenancies.length} ${tenancies.length === 1 ? "tenancy" : "tenancies"} ` +
                    `(${where.slice(0, 3).map((w) => w.vm).join(", ")}${where.length > 3 ? ", ..." : ""}): one key is root everywhere and no log says who used it`,
                where[0].urn,
            );
        }
    },
};
