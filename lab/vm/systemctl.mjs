#!/usr/bin/env node
// The lab's `systemctl` (installed at /usr/local/sbin/systemctl inside each lab VM only): the
// machines here have no systemd, so this runs a unit the way its unit file says (User, Group,
// Environment, EnvironmentFile, RuntimeDirectory, WorkingDirectory, ExecStartPre, ExecStart,
// ExecReload, PIDFile, LimitNOFILE, and drop-ins in <unit>.d/*.conf) and keeps its pid under /run/lab-units. Only the verbs the
// project's cloud-init and delivery scripts use: start, stop, restart, reload, try-reload-or-restart,
// reload-or-restart, enable [--now], disable [--now], is-active, daemon-reload.
// Differences from systemd, on purpose: `reload` of a unit that is not running starts it (on a VM,
// apt started it at install; here policy-rc.d kept it down), and a oneshot runs in the foreground.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, unlinkSync, chownSync } from "node:fs";

const UNIT_DIRS = ["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];
const STATE = "/run/lab-units";
const LOGS = "/var/log/lab-units";

function unitName(name) {
    return /\.(service|timer|target|socket)$/.test(name) ? name : `${name}.service`;
}

/** List settings: each line adds one; an empty assignment (`ExecStart=`) clears what came before, as in systemd. */
const LISTS = { Environment: "env", EnvironmentFile: "envFiles", ExecStartPre: "pre", ExecStart: "start", ExecReload: "reload" };

function parseUnit(name) {
    const file = UNIT_DIRS.map((d) => `${d}/${name}`).find((f) => existsSync(f));
    if (!file) return undefined;
    const unit = { file, env: [], envFiles: [], pre: [], start: [], reload: [] };
    // Drop-ins (`<unit>.d/*.conf`) after the unit file, in file-name order; a name in /etc wins over the same name below.
    const dropIns = new Map();
    for (const d of [...UNIT_DIRS].reverse()) {
        const dir = `${d}/${name}.d`;
        if (!existsSync(dir)) continue;
        for (const f of readdirSync(dir).filter((f) => f.endsWith(".conf"))) dropIns.set(f, `${dir}/${f}`);
    }
    for (const path of [file, ...[...dropIns.keys()].sort().map((f) => dropIns.get(f))]) {
        let section = "";
        for (const raw of readFileSync(path, "utf8").split("\n")) {
            const line = raw.trim();
            if (line.startsWith("[")) section = line;
            if (section !== "[Service]" || !line.includes("=") || line.startsWith("#")) continue;
            const i = line.indexOf("=");
            const key = line.slice(0, i).trim();
            const value = line.slice(i + 1).trim();
            if (LISTS[key] && value === "") unit[LISTS[key]] = [];
            else if (LISTS[key]) unit[LISTS[key]].push(value);
            else unit[key] = value;
        }
    }
    return unit;
}

/** The shell prelude that gives a command the unit's environment (systemd expands $VAR like sh here). */
function prelude(unit) {
    // Environment= first: a variable an EnvironmentFile= sets wins, as in systemd.
    const lines = ["set -a", ...unit.env.map((e) => `export ${e}`)];
    for (const f of unit.envFiles) {
        const optional = f.startsWith("-");
        const path = optional ? f.slice(1) : f;
        lines.push(optional ? `[ -r ${path} ] && . ${path}` : `. ${path} || exit 1`);
    }
    lines.push("set +a");
    if (unit.LimitNOFILE) lines.push(`ulimit -n ${unit.LimitNOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)"`);
    return lines.join("\n");
}

function ids(unit) {
    const id = (db, name) => {
        const line = readFileSync(db, "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
        if (!line) throw new Error(`systemctl (lab): ${unit.file}: no such account ${name}`);
        return Number(line.split(":")[2]);
    };
    const out = {};
    if (unit.User) out.uid = id("/etc/passwd", unit.User);
    if (unit.Group) out.gid = id("/etc/group", unit.Group);
    else if (unit.User) out.gid = Number(readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${unit.User}:`)).split(":")[3]);
    return out;
}

function command(line) {
    return line.replace(/^[-@+!]+/, "");
}

function pidOf(name, unit) {
    const pidFile = unit?.PIDFile;
    for (const f of [pidFile, `${STATE}/${name}.pid`]) {
        if (f && existsSync(f)) {
            const pid = Number(readFileSync(f, "utf8").trim());
            if (pid > 0 && alive(pid)) return pid;
        }
    }
    return undefined;
}

function alive(pid) {
    try {
        process.kill(pid, 0);
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return !/^\d+ \(.*\) Z/.test(stat);
    } catch {
        return false;
    }
}

/** The process environment systemd gives a unit's commands: its account's HOME, USER and LOGNAME. */
function environment(unit) {
    const env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", LANG: process.env.LANG ?? "C.UTF-8", HOME: "/root", USER: "root", LOGNAME: "root" };
    if (unit.User) {
        const entry = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${unit.User}:`));
        if (entry) Object.assign(env, { HOME: entry.split(":")[5], USER: unit.User, LOGNAME: unit.User });
    }
    return env;
}

function runSync(unit, line, name) {
    const r = spawnSync("/bin/sh", ["-c", `${prelude(unit)}\nexec ${command(line)}`], { stdio: "inherit", ...ids(unit), env: environment(unit), cwd: unit.WorkingDirectory ?? "/" });
    if (r.status !== 0 && !line.startsWith("-")) {
        process.stderr.write(`systemctl (lab): ${name}: ${command(line)} exited ${r.status}\n`);
        return false;
    }
    return true;
}

function start(name) {
    const unit = parseUnit(name);
    if (!unit) return fail(`Unit ${name} not found.`);
    if (name.endsWith(".timer") || name.endsWith(".target") || name.endsWith(".socket")) return 0;
    if (pidOf(name, unit)) return 0;
    mkdirSync(STATE, { recursive: true });
    mkdirSync(LOGS, { recursive: true });
    const owner = ids(unit);
    for (const dir of (unit.RuntimeDirectory ?? "").split(/\s+/).filter(Boolean)) {
        mkdirSync(`/run/${dir}`, { recursive: true, mode: parseInt(unit.RuntimeDirectoryMode ?? "0755", 8) });
        if (owner.uid !== undefined) chownSync(`/run/${dir}`, owner.uid, owner.gid ?? 0);
    }
    for (const line of unit.pre) if (!runSync(unit, line, name)) return 1;
    if ((unit.Type ?? "simple") === "oneshot") {
        for (const line of unit.start) if (!runSync(unit, line, name)) return 1;
        return 0;
    }
    const log = openSync(`${LOGS}/${name}.log`, "a");
    const child = spawn("/bin/sh", ["-c", `${prelude(unit)}\nexec ${command(unit.start[0])}`], {
        detached: true,
        stdio: ["ignore", log, log],
        env: environment(unit),
        ...owner,
        cwd: unit.WorkingDirectory ?? "/",
    });
    writeFileSync(`${STATE}/${name}.pid`, `${child.pid}\n`);
    if (unit.Type === "forking") {
        // The start command daemonizes: wait for it, then the PIDFile names the daemon.
        return new Promise((resolve) => child.on("exit", (code) => resolve(code === 0 ? 0 : fail(`${name}: ${command(unit.start[0])} exited ${code}`))));
    }
    child.unref();
    return 0;
}

function stop(name) {
    const unit = parseUnit(name);
    const pid = pidOf(name, unit);
    if (pid) {
        try {
            process.kill(pid, "SIGTERM");
        } catch {}
    }
    try {
        unlinkSync(`${STATE}/${name}.pid`);
    } catch {}
    return 0;
}

async function reload(name) {
    const unit = parseUnit(name);
    if (!unit) return fail(`Unit ${name} not found.`);
    const pid = pidOf(name, unit);
    if (!pid) return start(name);
    if (unit.reload.length === 0) return fail(`Job for ${name} failed: the unit has no ExecReload (use restart)`);
    for (const line of unit.reload) {
        const r = spawnSync("/bin/sh", ["-c", `MAINPID=${pid}\n${prelude(unit)}\nexec ${command(line)}`], { stdio: "inherit", env: environment(unit) });
        if (r.status !== 0) return fail(`${name}: ${command(line)} exited ${r.status}`);
    }
    return 0;
}

function fail(message) {
    process.stderr.write(`systemctl (lab): ${message}\n`);
    return 1;
}

async function main(argv) {
    const args = argv.filter((a) => !a.startsWith("-") || a === "--now");
    const now = args.includes("--now");
    const [verb, ...rest] = args.filter((a) => a !== "--now");
    const names = rest.map(unitName);
    let status = 0;
    for (const name of names.length ? names : [""]) {
        let code = 0;
        if (verb === "daemon-reload") code = 0;
        else if (verb === "start") code = await start(name);
        else if (verb === "stop") code = stop(name);
        else if (verb === "restart") {
            // As systemd: the old process is gone (its ports free) before the new one starts.
            const old = pidOf(name, parseUnit(name));
            stop(name);
            for (let i = 0; i < 100 && old && alive(old); i++) await new Promise((r) => setTimeout(r, 100));
            await new Promise((r) => setTimeout(r, 300));
            code = await start(name);
        } else if (verb === "reload" || verb === "reload-or-restart" || verb === "try-reload-or-restart") code = await reload(name);
        else if (verb === "enable") code = now ? await start(name) : 0;
        else if (verb === "disable") code = now ? stop(name) : 0;
        else if (verb === "is-active") code = pidOf(name, parseUnit(name)) ? 0 : 3;
        else code = fail(`verb ${verb} is not part of the lab's stand-in`);
        if (verb === "is-active") process.stdout.write(code === 0 ? "active\n" : "inactive\n");
        if (code !== 0) status = code;
    }
    return status;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
