/**
 * The progress line of a long run: one line on stderr, redrawn in place, shown only when stderr
 * is a terminal and only once the run has lasted `delayMs` (2 s): short runs, pipes and logs
 * never see it. Other writes to stderr meanwhile (the program's warnings) clear it first and
 * it is drawn again below them.
 */

export interface ProgressOptions {
    stream?: NodeJS.WriteStream;
    /** Time before the line first appears. */
    delayMs?: number;
    /** Least time between two redraws. */
    intervalMs?: number;
    now?: () => number;
}

/** A progress line; `update` is cheap enough to call for every registered resource. */
export class Progress {
    private readonly stream: NodeJS.WriteStream;
    private readonly enabled: boolean;
    private readonly delayMs: number;
    private readonly intervalMs: number;
    private readonly now: () => number;
    private readonly started: number;
    private text: () => string = () => "";
    private shown = false;
    private lastDraw = 0;
    private timer: NodeJS.Timeout | undefined;
    private originalWrite: NodeJS.WriteStream["write"] | undefined;

    constructor(options: ProgressOptions = {}) {
        this.stream = options.stream ?? process.stderr;
        this.enabled = this.stream.isTTY === true;
        this.delayMs = options.delayMs ?? 2000;
        this.intervalMs = options.intervalMs ?? 200;
        this.now = options.now ?? Date.now;
        this.started = this.now();
        if (this.enabled) {
            // Runs that keep the event loop busy draw from `update`; this covers the quiet ones.
            this.timer = setInterval(() => this.draw(), 250);
            this.timer.unref();
        }
    }

    /** Sets what the line says (computed only when drawn). */
    update(text: string | (() => string)): void {
        if (!this.enabled) return;
        this.text = typeof text === "string" ? () => text : text;
        const now = this.now();
        if (now - this.lastDraw >= this.intervalMs) this.draw(now);
    }

    /** Removes the line for good. */
    done(): void {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        this.clear();
        if (this.originalWrite) this.stream.write = this.originalWrite;
        this.originalWrite = undefined;
    }

    private draw(now = this.now()): void {
        if (!this.enabled || this.timer === undefined || now - this.started < this.delayMs) return;
        const text = this.text();
        if (text === "") return;
        this.interceptWrites();
        const width = this.stream.columns ? this.stream.columns - 1 : 120;
        this.rawWrite(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
        this.shown = true;
        this.lastDraw = now;
    }

    private clear(): void {
        if (!this.shown) return;
        this.rawWrite("\r\x1b[K");
        this.shown = false;
    }

    private rawWrite(text: string): void {
        (this.originalWrite ?? this.stream.write).call(this.stream, text);
    }

    /** Other stderr output goes above the line: clear, write, draw again. */
    private interceptWrites(): void {
        if (this.originalWrite) return;
        const original = this.stream.write;
        this.originalWrite = original;
        const progress = this;
        this.stream.write = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
            progress.clear();
            const result = (original as (...a: unknown[]) => boolean).apply(progress.stream, args);
            progress.lastDraw = 0;
            return result;
        } as NodeJS.WriteStream["write"];
    }
}
