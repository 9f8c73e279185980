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

const facts = new WeakMap<object, OfflineFacts>();

/** Records the offline facts of one resource's args object (runner only). */
export function attachOfflineFacts(args: object, value: OfflineFacts): void {
    facts.set(args, value);
}

/** The offline facts of an args object or a stack policy's resource, when the runner built it. */
export function offlineFacts(args: object): OfflineFacts | undefined {
    return facts.get(args);
}

/** The value the offline engine prints in place of a secret. */
export const SECRET_PLACEHOLDER = "[secret]";
