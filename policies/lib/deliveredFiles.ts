/**
 * The config files a delivery command installs, read back from its `stdin` (the script of
 * `components/delivery/deliveryScript.ts`: each file's body in a quoted heredoc into
 * `$stage/<i>.new`, its path written to `$stage/<i>.path`). Bodies hold placeholders, never
 * secret values.
 */
import type { PolicyResource } from "@pulumi/policy";
import { whenKnown } from "./unknown";

/** Type token of `command.local.Command` (delivery). */
export const LOCAL_COMMAND = "command:local:Command";

/** Path → content of every file in a delivery script. */
export function deliveredFiles(script: string): Map<string, string> {
    const bodies = new Map<string, string>();
    for (const m of script.matchAll(/^cat > "\$stage\/(\d+)\.new" <<'(BLITZHUB_EOF_[0-9a-f]+)'\n([\s\S]*?)^\2$/gm)) bodies.set(m[1], m[3]);
    const files = new Map<string, string>();
    for (const m of script.matchAll(/^printf '%s' '((?:[^']|'\\'')*)' > "\$stage\/(\d+)\.path"$/gm)) {
        const body = bodies.get(m[2]);
        if (body !== undefined) files.set(m[1].replace(/'\\''/g, "'"), body);
    }
    return files;
}

/** The files of every delivery command among `resources`, with the command; skips a script not known yet. */
export function deliveredFilesOf(resources: PolicyResource[]): { command: PolicyResource; path: string; content: string }[] {
    const out: { command: PolicyResource; path: string; content: string }[] = [];
    for (const command of resources.filter((r) => r.type === LOCAL_COMMAND)) {
        const stdin = whenKnown(() => command.props.stdin, undefined);
        if (typeof stdin !== "string") continue;
        for (const [path, content] of deliveredFiles(stdin)) out.push({ command, path, content });
    }
    return out;
}
