/**
 * cloud-init user data per VM: the stable bootstrap (ops user and SSH keys, packages pinned to
 * the spec's versions, the host firewall, node_exporter and Promtail, and on the bastions the
 * WireGuard entry that config delivery itself needs). Everything that changes with service
 * configuration is delivered by ConfigDelivery instead.
 */
import type { NodeRuntime } from "../model/schema";
import type { AccountPlan, ServicePlacementPlan, TopologyPlan, VmPlan } from "../plan/types";
import { renderFirewall } from "./firewall";
import { INTERNAL_CA_TRUST_PATH } from "./internalPki";
import { MINIO_CLIENT, RELEASE_ARTIFACTS } from "./releases";
import { volumeMounts } from "./volumes";
import { vmLabel } from "./lookup";
import { runtimeHome } from "./pm2";
import { renderTemplate } from "./templates";
import type { RenderedFile, RenderOptions } from "./types";
import { renderVm } from "./vm";
import { stringify } from "yaml";
import {
    cloudInitUsers,
    DELIVERY_ENTRY_POINT,
    deployAuthorizedKey,
    deployForwardTargets,
    type OperatorIdentity,
    PLACEHOLDER_DEPLOY_KEY,
    PLACEHOLDER_OPERATOR,
    renderDeliveryEntryPoint,
    renderSshdDropIn,
    renderSudoers,
    SSHD_DROP_IN,
    SUDOERS_DROP_IN,
} from "./identities";
import type { SshHostKey } from "./sshHostKey";
import { renderWireguard, WIREGUARD_INTERFACE, WIREGUARD_KEY_FILE, WIREGUARD_PUBLIC_KEY_FILE, wireguardFirewall } from "./wireguard";
import { checkedUserData } from "./userDataSize";
import { A1_SHAPE } from "../model/shapes";

/** Top-level cloud-config keys this project writes; the tests reject any other (cloud-init's schema lets unknown keys pass). */
export const CLOUD_CONFIG_KEYS = [
    "hostname",
    "preserve_hostname",
    "timezone",
    "users",
    "ssh_deletekeys",
    "ssh_genkeytypes",
    "ssh_keys",
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
    /** Public key of the `deploy` account (stack config `blitzhub:deployPublicKey`). */
    deployPublicKey?: string;
    /**
     * The VM's SSH host key (secret): written by cloud-init so delivery can pin it. Absent in the
     * offline render (no secret ever reaches a rendered file); the program always passes it.
     */
    hostKey?: SshHostKey;
    /** The deployment's internal CA certificate (PEM), added to the trust store. Absent offline, like `hostKey`. */
    internalCaCert?: string;
    /** The VM's rendered files (`renderVm`), when the caller already has them; rendered here otherwise. */
    files?: RenderedFile[];
}


/** One release install: the script body that fetches, verifies, unpacks and installs its binaries, and its unit. */
interface Release {
    name: string;
    version: string;
    arch: string;
    url: string;
    /** The catalogue's sha256 of the artefact for this platform; the download is checked against it. */
    sha256: string;
    install: string;
    unit: { name: string; content: string };
}

/** A release the bootstrap will not download: no checksum is recorded for the VM's platform. */
export interface RefusedDownload {
    name: string;
    url: string;
    reason: string;
    /** Its systemd unit (written, not enabled), when it is a service. */
    unit?: { name: string; content: string };
}

function releaseOf(p: ServicePlacementPlan, vm: VmPlan, arch: "arm64" | "amd64"): Release | RefusedDownload | undefined {
    const artifact = RELEASE_ARTIFACTS[p.service];
    if (!artifact) return undefined;
    const version = p.def.version.replace(/^v/, "");
    const url = artifact.url(version, arch);
    const sha256 = p.def.install.sha256[`linux-${arch}`];
    const u = artifact.unit;
    const steps =
        artifact.kind === "binary"
            ? [`install -m 0755 "$tmp/archive" /usr/local/bin/${artifact.binaries[0]}`]
            : [
                  url.endsWith(".zip") ? `unzip -o -q "$tmp/archive" -d "$tmp/x"` : `mkdir -p "$tmp/x" && tar -xzf "$tmp/archive" -C "$tmp/x"`,
                  ...artifact.binaries.map((bin) => `install -m 0755 "$(find "$tmp/x" -type f -name '${bin}*' | head -n 1)" /usr/local/bin/${bin}`),
              ];
    if (u.user !== "root") {
        steps.push(`id -u ${u.user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ${u.user}`);
        if (u.groups?.length) steps.push(`usermod -a -G ${u.groups.join(",")} ${u.user}`);
    }
    for (const dir of (typeof u.stateDirs === "function" ? u.stateDirs(vm) : u.stateDirs) ?? []) steps.push(`install -d -o ${u.user} -g ${u.user === "root" ? "root" : u.user} -m 0750 ${dir}`);
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
        ...(u.groups?.length ? [`SupplementaryGroups=${u.groups.join(" ")}`] : []),
        "Restart=always",
        "RestartSec=10",
        "LimitNOFILE=65536",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
    ].join("\n");
    const unit = { name: u.name, content };
    // The unit is written either way, so a binary installed and verified by hand only needs enabling.
    if (!sha256) return { name: p.service, url, reason: `no sha256 for linux-${arch} in the catalogue (services.${p.service}.install.sha256)`, unit };
    return { name: p.service, version, arch, url, sha256, install: steps.join("\n"), unit };
}

/**
 * Unattended upgrades from the distribution's security archive only (Ubuntu `<codename>-security`,
 * Debian-Security), never from a vendor repository, and never of a package the catalogue pins.
 */
export function renderUnattendedUpgrades(pinnedPackages: string[]): string {
    const escape = (name: string) => name.replace(/[.+]/g, "\\$&");
    return [
        "// Rendered by BlitzHub (render/cloudInit.ts): security updates only; the catalogue's pins are left alone.",
        'APT::Periodic::Update-Package-Lists "1";',
        'APT::Periodic::Unattended-Upgrade "1";',
        "#clear Unattended-Upgrade::Allowed-Origins;",
        "#clear Unattended-Upgrade::Origins-Pattern;",
        "Unattended-Upgrade::Origins-Pattern {",
        '    "origin=${distro_id},archive=${distro_codename}-security";',
        '    "origin=Debian,codename=${distro_codename}-security,label=Debian-Security";',
        "};",
        "#clear Unattended-Upgrade::Package-Blacklist;",
        "Unattended-Upgrade::Package-Blacklist {",
        ...[...new Set(pinnedPackages)].sort().map((name) => `    "^${escape(name)}$";`),
        "};",
        'Unattended-Upgrade::Automatic-Reboot "false";',
        "",
    ].join("\n");
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
            version: s.def.install.aptVersion ?? s.def.install.packageVersion ?? s.def.version.replace(/^v/, ""),
            source: s.def.install.source ?? "distribution",
            companions: s.def.install.companions,
        }))
        .filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i);
    const exporters = [...new Set(aptServices.map((s) => s.def.install.exporter).filter((e): e is string => e !== undefined))];
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
    const releaseInstalls = v.services
        .filter((s) => s.def.install.method === "release")
        .map((s) => releaseOf(s, v, arch))
        .filter((r) => r !== undefined);
    const releases = releaseInstalls.filter((r): r is Release => "sha256" in r);
    const refused = releaseInstalls.filter((r): r is RefusedDownload => "reason" in r);
    // One-time host preparation a service needs before its first delivered config validates.
    const prepare: string[] = [];
    if (v.services.some((s) => s.service === "haproxy")) {
        prepare.push(
            `mkdir -p /etc/haproxy/certs && if [ -z "$(ls -A /etc/haproxy/certs)" ]; then openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=${v.resourceName}" -keyout /tmp/hk.pem -out /tmp/hc.pem && cat /tmp/hc.pem /tmp/hk.pem > /etc/haproxy/certs/bootstrap-self-signed.pem && rm -f /tmp/hk.pem /tmp/hc.pem && chmod 600 /etc/haproxy/certs/bootstrap-self-signed.pem; fi`,
        );
    }
    // MinIO's provisioning script uses the MinIO client; the backup jobs use rclone (a package).
    if (v.services.some((s) => s.service === "minio")) {
        const sha256 = MINIO_CLIENT.sha256[`linux-${arch}`];
        if (sha256) {
            prepare.push(
                `tmp="$(mktemp)" && curl -fsSL -o "$tmp" ${MINIO_CLIENT.url(arch)} && printf '%s  %s\n' ${sha256} "$tmp" | sha256sum -c --quiet - && install -m 0755 "$tmp" /usr/local/bin/mc; rc=$?; rm -f "$tmp"; ` +
                    `[ "$rc" -eq 0 ] || echo "mc ${MINIO_CLIENT.version}: download or sha256 check failed" >> /var/log/blitzhub-bootstrap.log`,
            );
        } else {
            refused.push({ name: "mc", url: MINIO_CLIENT.url(arch), reason: `no sha256 for linux-${arch} (render/releases.ts MINIO_CLIENT)` });
        }
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
    const operators = opts.operators?.length ? opts.operators : [PLACEHOLDER_OPERATOR];
    const deployKey = deployAuthorizedKey(opts.deployPublicKey ?? PLACEHOLDER_DEPLOY_KEY, deployForwardTargets(plan, v));
    const document = renderTemplate("cloud-init/user-data.yaml.hbs", {
        vmLabel: vmLabel(acc, v),
        hostname: v.resourceName,
        users: stringify({ users: cloudInitUsers(operators, deployKey) }, { lineWidth: 0 }).trimEnd(),
        hostKey: opts.hostKey,
        internalCaCert: opts.internalCaCert?.trimEnd(),
        internalCaTrustPath: INTERNAL_CA_TRUST_PATH,
        sshdDropInPath: SSHD_DROP_IN,
        sshdDropIn: renderSshdDropIn(operators),
        sudoersPath: SUDOERS_DROP_IN,
        sudoers: renderSudoers(operators),
        entryPointPath: DELIVERY_ENTRY_POINT,
        entryPoint: renderDeliveryEntryPoint(),
        packages: ["nftables", "curl", "unzip", "python3-pip", "unattended-upgrades", ...(v.services.some((s) => s.def.backup.length > 0 || s.service === "minio") ? ["rclone"] : [])],
        pinned,
        exporters,
        repositories,
        firewall: renderFirewall(vmLabel(acc, v), v, wireguardFirewall(plan, acc, v)).trimEnd(),
        releases,
        refusedUnits: refused.flatMap((r) => (r.unit ? [r.unit] : [])),
        refused: refused.map(
            (r) => `msg="blitzhub: ${r.name} not installed: ${r.reason}; an unverified download (${r.url}) is refused"; echo "$msg" >> /var/log/blitzhub-bootstrap.log; logger -t blitzhub-bootstrap "$msg"`,
        ),
        unattendedUpgrades: renderUnattendedUpgrades(pinned.flatMap((p) => [p.name, ...p.companions])),
        pip,
        prepare,
        volumes: volumeMounts(v),
        wireguard,
        ownersScript,
        runtimeSetup,
    });
    // OCI counts the operators' keys (instance metadata ssh_authorized_keys, components/Vm.ts) with the user data.
    return checkedUserData(plan, acc, v, document, operators.flatMap((o) => o.sshPublicKeys));
}
