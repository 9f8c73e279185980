/**
 * What keeps an offline run honest and fast: a stack whose registrations stop fails naming
 * what is pending, a resource on a disabled default provider fails the stack, and the SDK's
 * message-less diagnostic stack traces are not formatted.
 */
import type { Registration } from "./sdkAdapter";

/**
 * Fails the stack when registrations stop coming (an output that never settles hangs a mocked
 * run forever), naming the registrations still waiting and for what.
 */
export function stallWatchdog(
    stack: string,
    stallSeconds: number,
    registered: () => number,
    pendingRegistrations: () => string[],
    onFailure: (message: string) => void,
): NodeJS.Timeout {
    let last = registered();
    let since = Date.now();
    const timer = setInterval(() => {
        const now = registered();
        if (now !== last) {
            last = now;
            since = Date.now();
            return;
        }
        if (Date.now() - since < stallSeconds * 1000) return;
        clearInterval(timer);
        const pending = pendingRegistrations().slice(0, 20);
        onFailure(
            `offline engine: stack ${stack} stalled: no resource registered for ${stallSeconds} s after ${now}` +
                (pending.length ? `; pending: ${pending.join(", ")}` : "; an output never settled (a mock answer missing?)"),
        );
    }, 1000);
    timer.unref();
    return timer;
}

/** Packages whose default provider `Pulumi.yaml` disables (`pulumi:disable-default-providers`). */
export function disabledDefaultProviders(value: string | undefined): string[] {
    if (!value) return [];
    try {
        const parsed = JSON.parse(value);
        return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
        return [];
    }
}

/** The failure message when `reg` is a cloud resource on a disabled default provider; undefined when it is fine. */
export function defaultProviderViolation(reg: Registration, disabled: string[]): string | undefined {
    const pkg = reg.type.split(":")[0];
    if (reg.custom && reg.providerRef === "" && !reg.type.startsWith("pulumi:") && disabled.includes(pkg)) {
        return `offline engine: ${reg.urn} uses the default "${pkg}" provider, but Pulumi.yaml sets pulumi:disable-default-providers: pass its account's provider explicitly`;
    }
    return undefined;
}

/**
 * The SDK formats a stack trace for every resource (source positions) and for every promise it
 * tracks (leak diagnostics), always with `new Error()` and no message; formatting them, through
 * tsx's source maps, is most of a run. The plan shows neither, so while the stacks run those
 * message-less errors format as just `Error`; every other error keeps its full trace (not
 * source-mapped). Returns the function that restores the previous behaviour.
 */
export function cheapSdkStackTraces(): () => void {
    const previousPrepare = Error.prepareStackTrace;
    const previousLimit = Error.stackTraceLimit;
    if (process.env.BLITZHUB_OFFLINE_TRACES !== "1") Error.stackTraceLimit = 0;
    const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
    process.setSourceMapsEnabled(false);
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
        error.message === "" && error.name === "Error" ? "Error" : `${String(error)}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
    return () => {
        Error.prepareStackTrace = previousPrepare;
        Error.stackTraceLimit = previousLimit;
        process.setSourceMapsEnabled(sourceMaps);
    };
}

