/**
 * Colour for the offline CLIs' human output. On only where the reader is a terminal, and as the
 * usual variables say: `FORCE_COLOR` (any value but `0`/`false`) turns it on even into a pipe
 * and wins over `NO_COLOR`; otherwise `NO_COLOR` or `NODE_DISABLE_COLORS` (any value) or
 * `TERM=dumb` turn it off, as Node's own `tty.WriteStream#getColorDepth` decides (the rule of
 * `util.inspect` and `util.styleText`). `util.styleText` applies the styles.
 */
import { WriteStream } from "node:tty";
import { styleText } from "node:util";

/** Text styles; each is the identity when colour is off. */
export interface Style {
    bold(text: string): string;
    dim(text: string): string;
    red(text: string): string;
    green(text: string): string;
    yellow(text: string): string;
    cyan(text: string): string;
}

const identity = (text: string) => text;

/** No colour: what files, pipes and the JSON outputs get. */
export const PLAIN: Style = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };

/** Whether output written to `stream` should be coloured, given the environment `env`. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
    // Decided here rather than by getColorDepth, which also warns on stderr when NO_COLOR is set too.
    if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
    // getColorDepth reads only `env` (NO_COLOR, NODE_DISABLE_COLORS, TERM, COLORTERM…), not the stream.
    return stream.isTTY === true && WriteStream.prototype.getColorDepth.call(stream, env) > 2;
}

/** The styles for output written to `stream`: colours when `colorEnabled`, else `PLAIN`. */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
    if (!colorEnabled(stream, env)) return PLAIN;
    // The decision is made above, for this stream: styleText must not check process.stdout again.
    const paint = (format: Parameters<typeof styleText>[0]) => (text: string) => styleText(format, text, { validateStream: false });
    return { bold: paint("bold"), dim: paint("dim"), red: paint("red"), green: paint("green"), yellow: paint("yellow"), cyan: paint("cyan") };
}
