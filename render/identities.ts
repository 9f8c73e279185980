/**
 * Who may log in to a VM, and as what (pure): one login per operator from stack config
 * (`blitzhub:operators`), and `deploy`, whose one key may run only the delivery entry point as
 * root. cloud-init writes these (users, `/etc/sudoers.d/`, the sshd drop-in, the entry point);
 * no login is shared between people, and none has passwordless root.
 */
import type { TopologyPlan, VmPlan } from "../plan/types";
import { secretPlaceholder } from "./secrets";
import { renderTemplate } from "./templates";
import type { FileSpec } from "./types";

/** One person's login (stack config `blitzhub:operators[]`). */
export interface OperatorIdentity {
    /** Login name on every VM. */
    name: string;
    /** Their SSH public keys (one line each). */
    sshPublicKeys: string[];
    /** Crypt hash of their sudo password; without it the login has no sudo. */
    sudoPasswordHash?: string;
}

/** The delivery account: no shell of its own, one forced command. */
export const DEPLOY_USER = "deploy";
/** The only command `deploy` may run as root (sudoers, and the key's forced command). */
export const DELIVERY_ENTRY_POINT = "/usr/local/sbin/blitzhub-deliver";
/** Group of the operators' logins: reads logs (`adm`, `systemd-journal`), nothing more by itself. */
export const OPERATOR_GROUPS = ["adm", "systemd-journal"];
/** Where sudo logs every command with the login that ran it (and syslog's auth facility). */
export const SUDO_LOG = "/var/log/sudo.log";
/** The sshd drop-in cloud-init writes (first in lexical order, so its settings win). */
export const SSHD_DROP_IN = "/etc/ssh/sshd_config.d/90-blitzhub.conf";
/** The sudoers drop-in cloud-init writes (checked with `visudo -c -f`). */
export const SUDOERS_DROP_IN = "/etc/sudoers.d/90-blitzhub";

/** Placeholder operator when none is given (the offline render without stack config). */
export const PLACEHOLDER_OPERATOR: OperatorIdentity = {
    name: "example-operator",
    sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyFromStackConfigBlitzhubOperators example-operator"],
};
/** Placeholder delivery key when none is given (offline render only). */
export const PLACEHOLDER_DEPLOY_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyFromStackConfigBlitzhubDeployPublicKey blitzhub-deploy";

/**
 * Addresses the deploy key may open a TCP channel to through `vm` (`ssh -W`): on a delivery
 * bastion, port 22 of every VM of the plan (delivery jumps through it to all of them); elsewhere none.
 */
export function deployForwardTargets(plan: TopologyPlan, vm: VmPlan): string[] {
    if (!vm.services.some((s) => s.service === "wireguard")) return [];
    return plan.accounts.flatMap((a) => a.vms.map((v) => `${v.privateIp}:22`)).sort();
}

/**
 * The deploy key's authorized_keys line: `restrict` (no pty, no agent or X11 forwarding, no
 * port forwarding) and the entry point as forced command, whatever the client asks to run; on a
 * bastion, forwarding to the listed VMs' SSH ports only.
 */
export function deployAuthorizedKey(publicKey: string, forwardTargets: string[]): string {
    const options = ["restrict", ...(forwardTargets.length > 0 ? ["port-forwarding", ...forwardTargets.map((t) => `permitopen="${t}"`)] : []), `command="sudo -n ${DELIVERY_ENTRY_POINT}"`];
    return `${options.join(",")} ${publicKey.trim()}`;
}

/**
 * `/etc/sudoers.d/90-blitzhub`: each operator with a password hash gets full sudo that asks for
 * their own password (a stolen SSH key alone is not root; every command is logged under their
 * name); `deploy` may run the entry point, with no arguments, and nothing else.
 */
export function renderSudoers(operators: OperatorIdentity[]): string {
    const lines = [
        "# Rendered by BlitzHub (render/identities.ts); cloud-init writes it, visudo -c checks it.",
        `Defaults logfile="${SUDO_LOG}"`,
        "Defaults use_pty",
        "Defaults timestamp_timeout=5",
        ...operators.filter((o) => o.sudoPasswordHash).map((o) => `${o.name} ALL=(ALL:ALL) ALL`),
        deployRule(),
    ];
    return `${lines.join("\n")}\n`;
}

/** The sshd drop-in: keys only, no root, only the operators and deploy, verbose logs (key fingerprints). */
export function renderSshdDropIn(operators: OperatorIdentity[]): string {
    return [
        "# Rendered by BlitzHub (render/identities.ts): keys only, one login per person, delivery by its own account.",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        "PubkeyAuthentication yes",
        "AuthenticationMethods publickey",
        "HostKey /etc/ssh/ssh_host_ed25519_key",
        `AllowUsers ${[...operators.map((o) => o.name), DEPLOY_USER].join(" ")}`,
        "PermitUserEnvironment no",
        "X11Forwarding no",
        "AllowAgentForwarding no",
        "LogLevel VERBOSE",
        "",
    ].join("\n");
}

/**
 * The delivery entry point (run as root by sudo): reads the delivery script from stdin into a
 * private file, logs who ran which content (its sha256, never the content: it carries secret
 * values), then runs it.
 */
export function renderDeliveryEntryPoint(): string {
    return [
        "#!/bin/bash",
        "# BlitzHub config delivery: the only command the deploy account may run as root (sudoers and",
        "# its key's forced command). The script arrives on stdin; only its hash is logged.",
        "set -euo pipefail",
        "umask 077",
        'script="$(mktemp)"',
        "trap 'rm -f \"$script\"' EXIT",
        'cat > "$script"',
        'sum="$(sha256sum "$script" | cut -d" " -f1)"',
        'logger -t blitzhub-delivery -p auth.notice "delivery by ${SUDO_USER:-unknown}: script sha256 $sum" || true',
        'bash "$script"',
        "",
    ].join("\n");
}

/** cloud-init `users` entries: the operators, then deploy. No `default` user (the image's shared one). */
export function cloudInitUsers(operators: OperatorIdentity[], deployKeyLine: string): Record<string, unknown>[] {
    return [
        ...operators.map((o) => ({
            name: o.name,
            gecos: `${OPERATOR_GECOS} ${o.name}`,
            groups: OPERATOR_GROUPS,
            shell: "/bin/bash",
            ...(o.sudoPasswordHash ? { lock_passwd: false, hashed_passwd: o.sudoPasswordHash } : { lock_passwd: true }),
            ssh_authorized_keys: o.sshPublicKeys,
        })),
        { name: DEPLOY_USER, gecos: "BlitzHub config delivery (forced command only)", shell: "/bin/sh", lock_passwd: true, ssh_authorized_keys: [deployKeyLine] },
    ];
}

/** Where the identities sync finds the delivered state (the operators, the staged drop-ins). */
export const IDENTITIES_DIR = "/etc/blitzhub/identities";
/** The sync script: applies the operators of the stack config to a VM that booted long ago. */
export const IDENTITIES_SYNC = "/usr/local/sbin/blitzhub-sync-identities";
/** GECOS of every operator login cloud-init or the sync makes: the sync manages only these. */
export const OPERATOR_GECOS = "BlitzHub operator";

/** Vault-style path of an operator's sudo password hash (a secret from stack config, filled in at delivery). */
export function operatorHashSecretPath(name: string): string {
    return `secret/operators/${name.replace(/-/g, "_")}/sudo_password_hash`;
}

/** `deploy ALL=(root) NOPASSWD: /usr/local/sbin/blitzhub-deliver ""`: the rule the sync refuses to lose. */
function deployRule(): string {
    return `${DEPLOY_USER} ALL=(root) NOPASSWD: ${DELIVERY_ENTRY_POINT} ""`;
}

/**
 * The delivered identities of every VM (host concern `identities`): the operators (logins, keys,
 * and sudo password hashes as secret placeholders), the sudoers and sshd drop-ins staged beside
 * them, and the sync script. Delivery validates with `--check` (nothing on the host changes) and
 * applies by running the script, so a new or departing operator reaches VMs that booted before.
 */
export function renderIdentitySync(operators: OperatorIdentity[]): FileSpec[] {
    const paths = new Set(operators.map((o) => operatorHashSecretPath(o.name)));
    if (paths.size !== operators.length) throw new Error("two operators map to the same secret path");
    const lines = [
        "# Rendered by BlitzHub (render/identities.ts): the operators of the stack config, applied by blitzhub-sync-identities.",
        "# operator <login> <sudo password hash, or - for none>; key <login> <SSH public key>",
        ...operators.flatMap((o) => [
            `operator ${o.name} ${o.sudoPasswordHash ? secretPlaceholder(operatorHashSecretPath(o.name)) : "-"}`,
            ...o.sshPublicKeys.map((k) => `key ${o.name} ${k.trim()}`),
        ]),
    ];
    const run = { validate: `${IDENTITIES_SYNC} --check`, reload: IDENTITIES_SYNC };
    return [
        {
            path: IDENTITIES_SYNC,
            content: renderTemplate("identities/sync-identities.sh.hbs", {
                dir: IDENTITIES_DIR,
                sudoersDropIn: SUDOERS_DROP_IN,
                sshdDropIn: SSHD_DROP_IN,
                deployUser: DEPLOY_USER,
                marker: OPERATOR_GECOS,
                deployRule: deployRule(),
                groups: OPERATOR_GROUPS.join(" "),
            }),
            mode: "0755",
            ...run,
        },
        { path: `${IDENTITIES_DIR}/operators`, content: `${lines.join("\n")}\n`, mode: "0600", ...run },
        { path: `${IDENTITIES_DIR}/sudoers`, content: renderSudoers(operators), mode: "0440", ...run },
        { path: `${IDENTITIES_DIR}/sshd.conf`, content: renderSshdDropIn(operators), mode: "0644", ...run },
    ];
}
