/**
 * During `pulumi preview` the CLI's analyzer wraps props in a proxy that throws on any value not
 * known yet (an id another resource will get). One such read would turn a whole stack policy
 * into an advisory "can't run during preview"; reads that can live without the value go
 * through `whenKnown`.
 */
import { UnknownValueError } from "@pulumi/policy";

/** True for the analyzer's "value not known during preview" error. */
export function isUnknownValueError(error: unknown): boolean {
    return error instanceof UnknownValueError || (error instanceof Error && error.constructor.name === "UnknownValueError");
}

/** `read()`, or `fallback` when the value is not known yet. */
export function whenKnown<T>(read: () => T, fallback: T): T {
    try {
        return read();
    } catch (error) {
        if (isUnknownValueError(error)) return fallback;
        throw error;
    }
}
