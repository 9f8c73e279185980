/**
 * cloud-init user data per VM: the stable bootstrap (ops user and SSH keys, packages pinned to
 * the spec's versions, the host firewall, node_exporter and Promtail, and on the bastions the
 * WireGuard entry that config delivery itself needs). Everything that changes with service
 * configuration is delivered by ConfigDelivery instead.
 */
import type { NodeRuntime } from "../model/schema";
import type { AccountPlan, ServicePlacementPlan, TopologyPlan, VmPlan } from "../plan/types";
import { renderFirewall } from "./firewall";
import { MINIO_CLIENT_URL, RELEASE_ARTIFACTS } from "./releases";
import { volumeMounts } from "./volumes";
import { vmLabel } from "./lookup";
import { runtimeHome } from "./pm2";
import { renderTemplate } from "./templates";
import type { RenderedFile, RenderOptions } from "./types";
import { renderVm } from "./vm";
import { renderWireguard, WIREGUARD_INTERFACE, WIREGUARD_KEY_FILE, WIREGUARD_PUBLIC_KEY_FILE, wireguardFirewall } from "./wireguard";
import { checkedUserData } from "./userDataSize";
import { A1_SHAPE } from "../model/shapes";

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

export interface CloudInitOptions extends RenderOptions {
    /** Public keys for the `ops` user (stack config `blitzhub:sshAuthorizedKeys`). */
    sshAuthorizedKeys?: string[];
    /** The VM's rendered files (`renderVm`), when the caller already has them; rendered here otherwise. */
    files?: RenderedFile[];
}

/** Placeholder key when none is given (the offline render); a real stack always passes its keys. */
export const PLACEHOLDER_SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyFromStackConfigBlitzhubSshAuthorizedKeys blitzhub-placeholder";

/** One release install: the script body that fetches, unpacks and installs its binaries, and its unit. */
interface Release {
    name: string;
    version: string;
    arch: string;
    url: string;
    install: string;
    unit: { name: string; content: string };
}

function releaseOf(p: ServicePlacementPlan, arch: "arm64" | "amd64"): Release | undefined {
    const artifact = RELEASE_ARTIFACTS[p.service];
    if (!artifact) return undefined;
    const version = p.def.version.replace(/^v/, "");
    const url = artifact.url(version, arch);
    const u = artifact.unit;
    const steps =
        artifact.kind === "binary"
            ? [`install -m 0755 "$tmp/archive" /usr/local/bin/${artifact.binaries[0]}`]
            : [
                  url.endsWith(".zip") ? `unzip -o -q "$tmp/archive" -d "$tmp/x"` : `mkdir -p "$tmp/x" && tar -xzf "$tmp/archive" -C "$tmp/x"`,
                  ...artifact.binaries.map((bin) => `install -m 0755 "$(find "$tmp/x" -type f -name '${bin}*' | head -n 1)" /usr/local/bin/${bin}`),
              ];
    if (u.user !== "root") steps.push(`id -u ${u.user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ${u.user}`);
    for (const dir of u.stateDirs ?? []) steps.push(`install -d -o ${u.user} -g ${u.user === "root" ? "root" : u.user} -m 0750 ${dir}`);
    const content = [
        "[Unit]",
        `Description=${u.description}`,
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        ...(u.environmentFile ? [`EnvironmentFile=-${u.environmentFile}`] : []),
        `ExecStart=${u.execStart}`,
        ...(u.reloadBySighup ? ["ExecReload=/bin/kill -HUP $MAINPID"] : []),
        `User=${u.user}`,
        "Restart=always",
        "RestartSec=10",
        "LimitNOFILE=65536",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ].join("\n");
    return { name: p.service, version, arch, url, install: steps.join("\n"), unit: { name: u.name, content } };
}

export function renderCloudInit(plan: TopologyPlan, account: string | AccountPlan, vm: string | VmPlan, opts: CloudInitOptions = {}): string {
    const acc = typeof account === "string" ? plan.accounts.find((a) => a.name === account) : account;
    if (!acc) throw new Error(`no account ${account} in the plan`);
    const v = typeof vm === "string" ? acc.vms.find((x) => x.name === vm) : vm;
    if (!v) throw new Error(`no VM ${vm} in ${acc.name}`);
    const arch = v.shape === A1_SHAPE ? "arm64" : "amd64";
    // Pinned apt packages install one by one from a script, so a version missing from a
    // repository fails only its own package (logged), not the whole package stage.
    const aptServices = v.services.filter((s) => s.def.install.method === "apt");
    const pinned = aptServices
        .map((s) => ({
            name: s.def.install.package,
            version: s.def.install.aptVersion ?? s.def.version.replace(/^v/, ""),
            source: s.def.install.source ?? "distribution",
            companions: s.def.install.companions,
        }))
        .filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i);
    // Node.js runtimes of the npm services (Fastify, React): pinned like any apt package.
    const runtimes = v.services
        .map((s) => s.def.install.runtime)
        .filter((r): r is NodeRuntime => r !== undefined)
        .filter((r, i, all) => all.findIndex((q) => JSON.stringify(q) === JSON.stringify(r)) === i);
    for (const r of runtimes) {
        if (!pinned.some((p) => p.name === r.package)) pinned.push({ name: r.package, version: r.aptVersion, source: "Node.js runtime of the npm services", companions: [] });
    }
    // Vendor repositories first, each with its own keyring, so the pins can find their versions.
    const repositories = [...aptServices.flatMap((s) => s.def.install.repositories), ...runtimes.flatMap((r) => r.repositories)]
        .map((r) =>
            "ppa" in r
                ? { ppa: r.ppa }
                : { name: r.name, keyUrl: r.keyUrl, deb: [r.url, r.suite.replace("{codename}", "$VERSION_CODENAME"), ...r.components].join(" ") },
        )
        .filter((r, i, all) => all.findIndex((q) => JSON.stringify(q) === JSON.stringify(r)) === i);
    const releases = v.services
        .filter((s) => s.def.install.method === "release")
        .map((s) => releaseOf(s, arch))
        .filter((r): r is Release => r !== undefined);
    // One-time host preparation a service needs before its first delivered config validates.
    const prepare: string[] = [];
    if (v.services.some((s) => s.service === "haproxy")) {
        prepare.push(
            `mkdir -p /etc/haproxy/certs && if [ -z "$(ls -A /etc/haproxy/certs)" ]; then openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=${v.resourceName}" -keyout /tmp/hk.pem -out /tmp/hc.pem && cat /tmp/hc.pem /tmp/hk.pem > /etc/haproxy/certs/bootstrap-self-signed.pem && rm -f /tmp/hk.pem /tmp/hc.pem && chmod 600 /etc/haproxy/certs/bootstrap-self-signed.pem; fi`,
        );
    }
    if (v.services.some((s) => s.def.backup.length > 0 || s.service === "minio")) {
        prepare.push(`curl -fsSL -o /usr/local/bin/mc ${MINIO_CLIENT_URL(arch)} && chmod 0755 /usr/local/bin/mc`);
    }
    // The VPN entry must work before anything can be delivered (delivery runs through it), so a
    // bastion gets its wg0.conf here and generates its own key; later peer changes are delivered.
    const wireguardPlacement = v.services.find((s) => s.service === "wireguard");
    const wireguard = wireguardPlacement && {
        config: renderWireguard({ plan, account: acc, vm: v, placement: wireguardPlacement, options: opts })[0].content,
        bootstrap: [
            "umask 077",
            `if command -v wg >/dev/null 2>&1 && { [ -s ${WIREGUARD_KEY_FILE} ] || wg genkey > ${WIREGUARD_KEY_FILE}; } && wg pubkey < ${WIREGUARD_KEY_FILE} > ${WIREGUARD_PUBLIC_KEY_FILE} && systemctl enable --now wg-quick@${WIREGUARD_INTERFACE}; ` +
                `then msg="blitzhub: WireGuard public key of ${vmLabel(acc, v)}: $(cat ${WIREGUARD_PUBLIC_KEY_FILE})"; ` +
                `else msg="blitzhub: WireGuard on ${vmLabel(acc, v)} did not start (wireguard-tools installed? see /var/log/blitzhub-bootstrap.log and journalctl -u wg-quick@${WIREGUARD_INTERFACE})"; fi`,
            `logger -t blitzhub-wireguard "$msg"`,
            `echo "$msg" > /dev/console 2>/dev/null || true`,
        ].join("; "),
    };
    // Delivery installs each file with its owner and group: the accounts no package or release
    // created by then are made as system accounts, so no delivery fails on a missing user.
    const files = opts.files ?? renderVm(plan, acc, v, opts);
    const owners = [...new Set(files.map((f) => f.owner))].filter((u) => u !== "root").sort();
    const groups = [...new Set(files.map((f) => f.group))].filter((g) => g !== "root" && !owners.includes(g)).sort();
    const bad = [...owners, ...groups].filter((name) => !/^[a-z_][a-z0-9_-]*$/.test(name));
    if (bad.length > 0) throw new Error(`${vmLabel(acc, v)}: file owners that are not account names: ${bad.join(", ")}`);
    // A runtime's account gets a home: PM2 keeps its state there.
    const runtimeUsers = runtimes.map((r) => r.user);
    for (const u of runtimeUsers) if (!owners.includes(u)) owners.push(u);
    const ownersScript = [
        ...groups.map((g) => `getent group ${g} >/dev/null || groupadd --system ${g}`),
        ...owners.map(
            (u) =>
                `getent passwd ${u} >/dev/null || useradd --system ` +
                (runtimeUsers.includes(u) ? `--create-home --home-dir ${runtimeHome(u)} ` : "--no-create-home ") +
                `--shell /usr/sbin/nologin $(getent group ${u} >/dev/null && echo "-g ${u}" || echo --user-group) ${u}`,
        ),
    ].join("; ");
    // PM2 from npm, running now and at every boot under the runtime's account (its apps come with their releases).
    const runtimeSetup = runtimes.map((r) =>
        [
            `if command -v npm >/dev/null 2>&1${r.globalPackages.map((p) => ` && npm install -g --no-fund --no-audit ${p}`).join("")} ` +
                `&& pm2 startup systemd -u ${r.user} --hp ${runtimeHome(r.user)}; ` +
                `then systemctl enable --now pm2-${r.user}; ` +
                `else echo "runtime: ${r.package} ${r.aptVersion}* with ${r.globalPackages.join(", ")} for ${r.user} failed" >> /var/log/blitzhub-bootstrap.log; fi`,
        ].join(""),
    );
    const pip = v.services.filter((s) => s.def.install.method === "pip").map((s) => `${s.def.install.package}==${s.def.version.replace(/^v/, "")}`);
    const sshAuthorizedKeys = opts.sshAuthorizedKeys?.length ? opts.sshAuthorizedKeys : [PLACEHOLDER_SSH_KEY];
    const document = renderTemplate("cloud-init/user-data.yaml.hbs", {
        vmLabel: vmLabel(acc, v),
        hostname: v.resourceName,
        sshAuthorizedKeys,
        packages: ["nftables", "curl", "unzip", "python3-pip"],
        pinned,
        repositories,
        firewall: renderFirewall(vmLabel(acc, v), v, wireguardFirewall(plan, acc, v)).trimEnd(),
        releases,
        pip,
        prepare,
        volumes: volumeMounts(v),
        wireguard,
        ownersScript,
        runtimeSetup,
    });
    return checkedUserData(plan, acc, v, document, sshAuthorizedKeys);
}
