/**
 * The CLI's terminal behaviour without a terminal: when colour is on (FORCE_COLOR, NO_COLOR,
 * TERM, a TTY or not), when the progress line shows and what it leaves behind, and which
 * working directory relative paths resolve against (npm's INIT_CWD only for our own scripts).
 */
import { describe, expect, it } from "vitest";
import { callerCwd, userPath } from "../../offline/cli/common";
import { Progress } from "../../offline/cli/progress";
import { colorEnabled, styleFor } from "../../offline/style";

const TTY = { isTTY: true };
const PIPE = { isTTY: false };

describe("colour", () => {
    it("is on for a colour terminal, off for a pipe", () => {
        expect(colorEnabled(TTY, { TERM: "xterm-256color" })).toBe(true);
        expect(colorEnabled(PIPE, { TERM: "xterm-256color" })).toBe(false);
        expect(styleFor(PIPE, { TERM: "xterm-256color" }).red("x")).toBe("x");
        expect(styleFor(TTY, { TERM: "xterm-256color" }).red("x")).toBe("\x1b[31mx\x1b[39m");
    });

    it("is off under NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb, even on a terminal", () => {
        expect(colorEnabled(TTY, { TERM: "xterm-256color", NO_COLOR: "1" })).toBe(false);
        expect(colorEnabled(TTY, { TERM: "xterm-256color", NODE_DISABLE_COLORS: "1" })).toBe(false);
        expect(colorEnabled(TTY, { TERM: "dumb" })).toBe(false);
    });

    it("is on under FORCE_COLOR even into a pipe and over NO_COLOR, and off under FORCE_COLOR=0", () => {
        expect(colorEnabled(PIPE, { FORCE_COLOR: "1" })).toBe(true);
        expect(colorEnabled(PIPE, { FORCE_COLOR: "" })).toBe(true);
        expect(colorEnabled(PIPE, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
        expect(colorEnabled(TTY, { FORCE_COLOR: "0", TERM: "xterm-256color" })).toBe(false);
        expect(styleFor(PIPE, { FORCE_COLOR: "1" }).bold("x")).toBe("\x1b[1mx\x1b[22m");
    });
});

/** A fake stderr: a terminal or not, recording what is written. */
function fakeStream(isTTY: boolean) {
    const written: string[] = [];
    const stream = { isTTY, columns: 80, write: (text: string) => (written.push(text), true) } as unknown as NodeJS.WriteStream;
    return { stream, written };
}

describe("progress line", () => {
    it("stays silent for the first 2 s, then redraws one line in place, and clears it when done", () => {
        const { stream, written } = fakeStream(true);
        let now = 0;
        const progress = new Progress({ stream, now: () => now });
        progress.update("planning eu… 1/5 stacks, 10 resources");
        now = 1999;
        progress.update("planning eu… 1/5 stacks, 500 resources");
        expect(written).toEqual([]);
        now = 2000;
        progress.update("planning eu… 1/5 stacks, 812 resources");
        now = 2050;
        progress.update("planning eu… 1/5 stacks, 813 resources");
        now = 2300;
        progress.update(() => "planning na… 2/5 stacks, 1100 resources");
        progress.done();
        expect(written).toEqual([
            "\r\x1b[Kplanning eu… 1/5 stacks, 812 resources",
            "\r\x1b[Kplanning na… 2/5 stacks, 1100 resources",
            "\r\x1b[K",
        ]);
    });

    it("never writes when stderr is not a terminal", () => {
        const { stream, written } = fakeStream(false);
        let now = 0;
        const progress = new Progress({ stream, now: () => now });
        now = 10_000;
        progress.update("planning eu… 1/5 stacks, 812 resources");
        progress.done();
        expect(written).toEqual([]);
    });

    it("clears itself before other output on the stream and leaves the stream as it was", () => {
        const { stream, written } = fakeStream(true);
        const write = stream.write;
        let now = 5000;
        const progress = new Progress({ stream, now: () => now, delayMs: 0 });
        progress.update("planning eu… 1/5 stacks, 1 resource");
        stream.write("warning: something\n");
        now += 1;
        progress.update("planning eu… 1/5 stacks, 2 resources");
        progress.done();
        expect(stream.write).toBe(write);
        expect(written).toEqual([
            "\r\x1b[Kplanning eu… 1/5 stacks, 1 resource",
            "\r\x1b[K",
            "warning: something\n",
            "\r\x1b[Kplanning eu… 1/5 stacks, 2 resources",
            "\r\x1b[K",
        ]);
    });
});

describe("the caller's working directory", () => {
    it("is INIT_CWD when npm ran one of our scripts, else the process's own", () => {
        const npmScript = { INIT_CWD: "/home/me/infra/sub", npm_lifecycle_script: "node offline/launch.mjs render" };
        expect(callerCwd(npmScript, "/home/me/infra")).toBe("/home/me/infra/sub");
        // Inherited from `npm test` by a CLI a test spawned elsewhere: not ours.
        expect(callerCwd({ INIT_CWD: "/home/me/infra", npm_lifecycle_script: "vitest run" }, "/tmp/x")).toBe("/tmp/x");
        expect(callerCwd({}, "/tmp/x")).toBe("/tmp/x");
    });

    it("resolves a relative path there and shows it as given and resolved", () => {
        expect(userPath("out", "/home/me/infra/sub")).toEqual({ given: "out", absolute: "/home/me/infra/sub/out", shown: "out (/home/me/infra/sub/out)" });
        expect(userPath("../t.yaml", "/home/me/infra/sub").absolute).toBe("/home/me/infra/t.yaml");
        expect(userPath("/abs/out", "/home/me").shown).toBe("/abs/out");
    });
});
