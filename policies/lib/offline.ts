/**
 * Facts only the offline runner knows, attached to the args objects it builds: the account
 * (nearest `*Account` component), which inputs are Pulumi secrets, and `retainOnDelete`. The
 * `@pulumi/policy` analyzer of the real CLI passes none of them (secrets arrive unwrapped,
 * retainOnDelete is not in its resource options), so policies read them through
 * `offlineFacts(args)` and fall back to what the CLI does pass.
 */

export interface OfflineFacts {
    /** Account name (`EU-FE-01`), null outside any account component. */
    account: string | null;
    /** Input paths holding Pulumi secrets (their values read `"[secret]"`). */
    secretInputPaths: string[];
    retainOnDelete: boolean;
    /** Stack the resource was planned in (`eu`). */
    stack: string;
}

/**
 * A symbol-keyed property rather than a WeakMap: the runner builds an args object per policy and
 * resource (about 150,000 per run), and that many weak entries cost the garbage collector more
 * than the policies themselves. `Symbol.for`: one key even if a loader imports this file twice.
 */
const FACTS = Symbol.for("blitzhub.offlineFacts");

/** Records the offline facts of one resource's args object (runner only). */
export function attachOfflineFacts(args: object, value: OfflineFacts): void {
    (args as { [FACTS]?: OfflineFacts })[FACTS] = value;
}

/** The offline facts of an args object or a stack policy's resource, when the runner built it. */
export function offlineFacts(args: object): OfflineFacts | undefined {
    return (args as { [FACTS]?: OfflineFacts })[FACTS];
}

/** The value the offline engine prints in place of a secret. */
export const SECRET_PLACEHOLDER = "[secret]";
