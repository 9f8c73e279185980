/**
 * cloud-init user data per VM: the stable bootstrap (ops user and SSH keys, packages pinned to
 * the spec's versions, the host firewall, node_exporter and Promtail). Everything that changes
 * with service configuration is delivered by ConfigDelivery instead.
 */
import type { AccountPlan, ServicePlacementPlan, TopologyPlan, VmPlan } from "../plan/types";
import { renderFirewall } from "./firewall";
import { vmLabel } from "./lookup";
import { renderTemplate } from "./templates";

/** Top-level cloud-config keys this project writes; the tests reject any other (cloud-init's schema lets unknown keys pass). */
export const CLOUD_CONFIG_KEYS = [
    "hostname",
    "preserve_hostname",
    "timezone",
    "users",
    "ssh_pwauth",
    "disable_root",
    "package_update",
    "package_upgrade",
    "apt",
    "packages",
    "write_files",
    "runcmd",
    "final_message",
] as const;

export interface CloudInitOptions {
    /** Public keys for the `ops` user (stack config `blitzhub:sshAuthorizedKeys`). */
    sshAuthorizedKeys?: string[];
}

/** Placeholder key when none is given (the offline render); a real stack always passes its keys. */
export const PLACEHOLDER_SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyFromStackConfigBlitzhubSshAuthorizedKeys blitzhub-placeholder";

interface Release {
    name: string;
    version: string;
    arch: string;
    url: string;
    install: string;
}

/** How a service installed from its upstream release archive is unpacked and started. */
function releaseOf(p: ServicePlacementPlan, arch: "arm64" | "amd64"): Release {
    const version = p.def.version.replace(/^v/, "");
    const source = p.def.install.source;
    const url = (source ?? "")
        .replaceAll("{version}", version)
        .replaceAll("{arch}", arch);
    if (!url) throw new Error(`service ${p.service}: install.method is release but install.source (URL with {version}/{arch}) is missing`);
    const bin = p.def.install.package;
    const unpack = url.endsWith(".zip")
        ? `unzip -o "$tmp/${p.service}.archive" -d "$tmp/x"`
        : `mkdir -p "$tmp/x" && tar -xzf "$tmp/${p.service}.archive" -C "$tmp/x"`;
    return {
        name: p.service,
        version,
        arch,
        url,
        install: [unpack, `install -m 0755 "$(find "$tmp/x" -type f -name '${bin}*' -perm -u+x | head -n1)" /usr/local/bin/${bin}`].join("\n"),
    };
}

export function renderCloudInit(plan: TopologyPlan, account: string | AccountPlan, vm: string | VmPlan, opts: CloudInitOptions = {}): string {
    const acc = typeof account === "string" ? plan.accounts.find((a) => a.name === account) : account;
    if (!acc) throw new Error(`no account ${account} in the plan`);
    const v = typeof vm === "string" ? acc.vms.find((x) => x.name === vm) : vm;
    if (!v) throw new Error(`no VM ${vm} in ${acc.name}`);
    const arch = v.shape === "VM.Standard.A1.Flex" ? "arm64" : "amd64";
    const apt = v.services.filter((s) => s.def.install.method === "apt");
    const packages = [
        { name: "nftables", version: undefined as string | undefined },
        { name: "curl", version: undefined },
        { name: "unzip", version: undefined },
        ...apt.map((s) => ({ name: s.def.install.package, version: `${s.def.version.replace(/^v/, "")}*` })),
    ].filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i);
    const aptSources = apt
        .filter((s) => s.def.install.source && /^deb /.test(s.def.install.source))
        .map((s) => ({ name: `blitzhub-${s.service}.list`, source: s.def.install.source!, keyid: undefined }));
    const releases = v.services.filter((s) => s.def.install.method === "release").map((s) => releaseOf(s, arch));
    const pip = v.services.filter((s) => s.def.install.method === "pip").map((s) => `${s.def.install.package}==${s.def.version.replace(/^v/, "")}`);
    return renderTemplate("cloud-init/user-data.yaml.hbs", {
        vmLabel: vmLabel(acc, v),
        hostname: v.resourceName,
        sshAuthorizedKeys: opts.sshAuthorizedKeys?.length ? opts.sshAuthorizedKeys : [PLACEHOLDER_SSH_KEY],
        aptSources,
        packages,
        firewall: renderFirewall(vmLabel(acc, v), v).trimEnd(),
        releases,
        pip,
        enable: [],
    });
}

/** Helper for callers that iterate: cloud-init of every VM of an account. */
export function cloudInitsOf(plan: TopologyPlan, account: AccountPlan, opts: CloudInitOptions = {}): { vm: VmPlan; content: string }[] {
    return account.vms.map((vm) => ({ vm, content: renderCloudInit(plan, account, vm, opts) }));
}
