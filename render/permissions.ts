/**
 * The catalogue's permissions (the spec's `chown`/`chmod` lines) applied to rendered files:
 * an entry for the exact path wins, then the deepest recursive directory entry above it
 * (a directory mode loses its execute bits on files), then what the renderer chose.
 * Files that carry secret placeholders are never readable by others.
 */
import type { Permission } from "../model/schema";
import type { DirectoryOwnership } from "./types";

export interface FileOwnership {
    mode: string;
    owner: string;
    group: string;
}

function fileModeOfDirMode(mode: number): number {
    return mode & ~0o111;
}

export function applyPermissions(path: string, chosen: FileOwnership, permissions: Permission[], hasSecrets: boolean): FileOwnership {
    const exact = permissions.find((p) => p.path === path);
    const dir = permissions
        .filter((p) => p.recursive && p.path !== path && path.startsWith(`${p.path.replace(/\/$/, "")}/`))
        .sort((a, b) => b.path.length - a.path.length)[0];
    let result = chosen;
    if (exact) result = { mode: exact.mode, owner: exact.owner, group: exact.group };
    else if (dir) result = { mode: fileModeOfDirMode(parseInt(dir.mode, 8)).toString(8), owner: dir.owner, group: dir.group };
    let mode = parseInt(result.mode, 8);
    if (hasSecrets) mode &= ~0o007;
    return { ...result, mode: `0${mode.toString(8).padStart(3, "0")}` };
}

/** A directory mode from a permission's mode: search (x) wherever read (r) is allowed (`0644` → `0755`). */
function dirModeOf(mode: number): number {
    return mode | ((mode & 0o444) >> 2);
}

/**
 * The directories above `path` that a recursive permission entry covers (the entry's own
 * directory and those below it), outermost first, with that entry's owner and a directory mode.
 */
export function directoriesOf(path: string, permissions: Permission[]): DirectoryOwnership[] {
    const parts = path.split("/").filter(Boolean).slice(0, -1);
    const result: DirectoryOwnership[] = [];
    for (let i = 1; i <= parts.length; i++) {
        const dir = `/${parts.slice(0, i).join("/")}`;
        const entry = permissions
            .filter((p) => p.recursive && (dir === p.path.replace(/\/$/, "") || dir.startsWith(`${p.path.replace(/\/$/, "")}/`)))
            .sort((a, b) => b.path.length - a.path.length)[0];
        if (entry) result.push({ path: dir, mode: `0${dirModeOf(parseInt(entry.mode, 8)).toString(8).padStart(3, "0")}`, owner: entry.owner, group: entry.group });
    }
    return result;
}
