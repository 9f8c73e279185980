/**
 * The shell that config delivery runs: pure string building (no `@pulumi/*`), so it is tested
 * on its own. `remoteScript` runs on the VM as root; `localCommand` runs where Pulumi runs and
 * pipes it over SSH through the management bastion.
 */
import { createHash } from "node:crypto";
import type { RenderedFile } from "../../render/types";

/** Environment variable carrying the value of a Vault path on the host: `secret/fastify/adb` → `BLITZHUB_SECRET_fastify__adb`. */
export function secretEnvName(path: string): string {
    return `BLITZHUB_SECRET_${path.replace(/^secret\//, "").replace(/\//g, "__")}`;
}

/** sha256 over everything that reaches the host for these files; the delivery's only trigger. */
export function contentHash(files: RenderedFile[]): string {
    const h = createHash("sha256");
    for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
        h.update(JSON.stringify([f.path, f.mode, f.owner, f.group, f.validate ?? "", f.reload ?? "", f.content, ...(f.directories?.length ? [f.directories] : [])]));
        h.update("\n");
    }
    return h.digest("hex");
}

function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bash run as root on the VM: stages the files (as plain text), replaces `@@secret:<path>@@` with the value of
 * `secretEnvName(path)` (exported ahead of this script), backs up what it replaces, installs,
 * validates, restores the backup when validation fails, then reloads. `BLITZHUB_ROOT` prefixes
 * every path (tests only).
 */
export function remoteScript(files: RenderedFile[]): string {
    if (files.length === 0) throw new Error("remoteScript: no files");
    const validates = [...new Set(files.map((f) => f.validate).filter((v): v is string => !!v))];
    const reloads = [...new Set(files.map((f) => f.reload).filter((v): v is string => !!v))];
    const lines = [
        "set -euo pipefail",
        'root="${BLITZHUB_ROOT:-}"',
        "# A fresh VM may still be bootstrapping (packages, users): wait for cloud-init first.",
        'if [ -z "$root" ] && command -v cloud-init >/dev/null 2>&1; then cloud-init status --wait >/dev/null 2>&1 || true; fi',
        'stage="$(mktemp -d)"',
        "trap 'rm -rf \"$stage\"' EXIT",
        "substitute() {",
        "  perl -pi -e 's{\\@\\@secret:secret/([a-z0-9_/]+)\\@\\@}{my $k = \"BLITZHUB_SECRET_\" . ($1 =~ s#/#__#gr); defined $ENV{$k} ? $ENV{$k} : die \"blitzhub-delivery: no value for secret/$1\\n\"}ge' \"$1\"",
        "}",
        "restore() {",
        '  for n in "$stage"/*.path; do',
        '    p="$(cat "$n")"; b="${n%.path}.bak"',
        '    if [ -e "$b" ]; then cp -a "$b" "$root$p"; else rm -f "$root$p"; fi',
        "  done",
        "}",
    ];
    files.forEach((f, i) => {
        // Plain text (reviewers read it in the diff) in a quoted heredoc: nothing expands.
        const body = f.content.endsWith("\n") ? f.content : `${f.content}\n`;
        const marker = `BLITZHUB_EOF_${createHash("sha256").update(body).digest("hex").slice(0, 12)}`;
        if (body.split("\n").includes(marker)) throw new Error(`remoteScript: ${f.path} contains its own heredoc marker`);
        lines.push(
            `cat > "$stage/${i}.new" <<'${marker}'`,
            body + marker,
            ...(f.secretRefs.length > 0 ? [`substitute "$stage/${i}.new"`] : []),
        );
    });
    // Directories the catalogue gives to an account (the app's tree), outermost first: a file's
    // parents are otherwise made by `install -D` as root's, and the app could not write its build.
    const directories = new Map<string, NonNullable<RenderedFile["directories"]>[number]>();
    for (const f of files) for (const d of f.directories ?? []) directories.set(d.path, d);
    for (const d of [...directories.values()].sort((a, b) => a.path.split("/").length - b.path.split("/").length)) {
        lines.push(`install -d -m ${d.mode} -o ${d.owner} -g ${d.group} "$root"${shellQuote(d.path)}`);
    }
    files.forEach((f, i) => {
        const path = shellQuote(f.path);
        lines.push(
            `printf '%s' ${path} > "$stage/${i}.path"`,
            `if [ -e "$root"${path} ]; then cp -a "$root"${path} "$stage/${i}.bak"; fi`,
            `install -D -m ${f.mode} -o ${f.owner} -g ${f.group} "$stage/${i}.new" "$root"${path}`,
        );
    });
    for (const v of validates) {
        lines.push(`if ! ( ${v} ); then echo "blitzhub-delivery: validation failed: ${v.replace(/["$`\\]/g, "\\$&")}" >&2; restore; exit 1; fi`);
    }
    for (const r of reloads) lines.push(r);
    return `${lines.join("\n")}\n`;
}

/** Where and as whom to connect: the VM by private IP, through the bastion, each with its pinned host key. */
export interface SshRoute {
    host: string;
    user: string;
    bastionHost: string;
    bastionUser: string;
    bastionPort: number;
    /** The VM's SSH host public key (`ssh-ed25519 AAAA...`), known before its first boot. */
    hostKey: string;
    /** The bastion's SSH host public key. */
    bastionHostKey: string;
}

/** A known_hosts line: `host key-type key` (`[host]:port` off port 22), comment dropped. */
export function knownHostsLine(host: string, port: number, publicKey: string): string {
    const [type, material] = publicKey.trim().split(/\s+/);
    if (!type || !material) throw new Error(`known_hosts: not an SSH public key for ${host}: ${publicKey}`);
    return `${port === 22 ? host : `[${host}]:${port}`} ${type} ${material}`;
}

/**
 * Bash run where Pulumi runs: writes the key from `BLITZHUB_SSH_KEY` to a private temp file and
 * the two pinned host keys to a known_hosts file (`StrictHostKeyChecking=yes`: a VM whose key
 * differs is refused, never learned), prefixes the remote script (read from stdin) with `export`
 * lines for every `BLITZHUB_SECRET_*` in its environment (into a mode-600 temp file removed on
 * exit), and feeds both to the VM's delivery entry point (the deploy key's forced command) via the
 * bastion (`ProxyCommand ssh -W`), retrying while the VM does not accept connections yet.
 * Secret values never appear in argv, and nothing here echoes them.
 */
export function localCommand(route: SshRoute): string {
    const known = [knownHostsLine(route.host, 22, route.hostKey), knownHostsLine(route.bastionHost, route.bastionPort, route.bastionHostKey)];
    const opts =
        '-i "$key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$known" -o GlobalKnownHostsFile=/dev/null ' +
        "-o HostKeyAlgorithms=ssh-ed25519 -o ConnectTimeout=20";
    const ssh =
        "ssh " +
        opts +
        ` -o ProxyCommand="ssh ${opts.replace(/"/g, '\\"')} -p ${route.bastionPort} -W %h:%p ${route.bastionUser}@${route.bastionHost}"` +
        ` ${route.user}@${route.host}`;
    return [
        "set -euo pipefail",
        'key="$(mktemp)"; payload="$(mktemp)"; known="$(mktemp)"',
        "trap 'rm -f \"$key\" \"$payload\" \"$known\"' EXIT",
        'chmod 600 "$key" "$payload"',
        'printf \'%s\\n\' "$BLITZHUB_SSH_KEY" > "$key"',
        ...known.map((line) => `printf '%s\\n' ${shellQuote(line)} >> "$known"`),
        "{",
        "  for v in $(compgen -e | grep '^BLITZHUB_SECRET_' || true); do printf 'export %s=%q\\n' \"$v\" \"${!v}\"; done",
        "  cat",
        '} > "$payload"',
        "# A new VM takes a while to accept SSH: retry connection failures (exit 255) for ~10 minutes.",
        "for attempt in $(seq 1 30); do",
        `  rc=0; ${ssh} < "$payload" || rc=$?`,
        '  if [ "$rc" -ne 255 ]; then exit "$rc"; fi',
        "  sleep 20",
        "done",
        "exit 255",
    ].join("\n");
}
