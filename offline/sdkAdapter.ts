/**
 * The one place the offline engine touches what `@pulumi/pulumi` does not export as API: the
 * mock monitor installed by `setMocks` (its request and response objects, its resource map)
 * and the runtime's `getMonitor`/`waitForRPCs`. Read from @pulumi/pulumi `SDK_VERSION`; a test
 * (test/offline/sdkAdapter.test.ts) pins that version to package.json's and checks that each
 * internal is still there, so an SDK upgrade fails there, by name, and not mid-plan.
 */
import * as pulumi from "@pulumi/pulumi";
import { asSecret, isSecret } from "./serialize";

/** The `@pulumi/pulumi` version whose internals this file was written against. */
export const SDK_VERSION = "3.248.0";

/** What the register request of one resource said. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    providerRef: string;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    object: unknown;
}

type Callback = (err: unknown, resp: any) => void;

/** Monitor methods the adapter wraps to see each request (the mock monitor's own API). */
export interface MonitorLike {
    registerResource(req: any, callback: Callback): unknown;
    readResource(req: any, callback: Callback): unknown;
    registerResourceOutputs(req: any, callback: Callback): unknown;
    /** The mock monitor's resources by URN (outputs, `getResource`). */
    resources?: Map<string, { urn: string }>;
}

/** Internals of `pulumi.runtime` the engine relies on. */
export const runtimeInternals = pulumi.runtime as unknown as { waitForRPCs(): Promise<void>; getMonitor(): MonitorLike | undefined };

/** Waits for every outstanding registration of the running stack. */
export function waitForRPCs(): Promise<void> {
    return runtimeInternals.waitForRPCs();
}

/**
 * The URN the Pulumi engine gives a resource: the parent's whole qualified type chain, then the
 * type — except under the root stack, whose type is not part of its children's URNs. (The mock
 * monitor keeps only the nearest parent type and includes the root's.)
 */
export function engineUrn(project: string, stack: string, type: string, name: string, parentUrn: string): string {
    const parentType = parentUrn ? parentUrn.split("::")[2] : undefined;
    const chain = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

/** Hooks of `observeRegistrations`. */
export interface RegistrationObserver {
    /** Each registered (or read) resource, under its engine URN. */
    registered(reg: Registration): void;
    /** Outputs a component (or the stack) registered, serialized. */
    componentOutputs(urn: string, outputs: unknown): void;
}

/**
 * Wraps the mock monitor that `setMocks` just installed: each resource gets the URN the real
 * engine would give it (also in the monitor's own map), outputs named in
 * `additionalSecretOutputs` come back secret, and the observer sees every registration.
 */
export function observeRegistrations(project: string, stack: string, observer: RegistrationObserver): void {
    const monitor = runtimeInternals.getMonitor();
    if (monitor === undefined) throw new Error("offline engine: the mock monitor is not installed");
    const wrap = (method: "registerResource" | "readResource") => {
        const original = monitor[method].bind(monitor);
        monitor[method] = (req: any, callback: Callback) =>
            original(req, (err: unknown, resp: any) => {
                if (!err) {
                    const urn = engineUrn(project, stack, req.getType(), req.getName(), req.getParent());
                    adoptUrn(monitor, resp.getUrn(), urn);
                    resp.setUrn(urn);
                    observer.registered(registrationOf(req, urn));
                    markSecretOutputs(req, resp);
                }
                callback(err, resp);
            });
    };
    wrap("registerResource");
    wrap("readResource");
    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: Callback) => {
        observer.componentOutputs(req.getUrn(), req.getOutputs()?.toJavaScript());
        return originalOutputs(req, callback);
    };
}

/** A register (or read) request → what the plan records of it. */
function registrationOf(req: any, urn: string): Registration {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap?.().forEach((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
    return {
        urn,
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent(),
        custom: req.getCustom?.() ?? true,
        providerRef: req.getProvider(),
        protect: req.getProtect?.() ?? false,
        retainOnDelete: req.getRetainondelete?.() ?? false,
        ignoreChanges: req.getIgnorechangesList?.() ?? [],
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        object: req.getProperties ? req.getProperties()?.toJavaScript() : req.getObject()?.toJavaScript(),
    };
}

/** Files the resource in the mock monitor under the engine's URN (outputs, getResource). */
function adoptUrn(monitor: MonitorLike, mockUrn: string, urn: string): void {
    const resources = monitor.resources;
    const entry = resources?.get(mockUrn);
    if (!resources || !entry || mockUrn === urn) return;
    resources.delete(mockUrn);
    resources.set(urn, { ...entry, urn });
}

/**
 * Does what the Pulumi engine does and the mock monitor does not: outputs named in
 * `additionalSecretOutputs` (e.g. `random`'s `result`) come back as secrets, so they stay
 * secret in every input they flow into.
 */
function markSecretOutputs(req: any, resp: any): void {
    const names: string[] = req.getAdditionalsecretoutputsList?.() ?? [];
    const object = resp.getObject?.();
    if (names.length === 0 || !object) return;
    const state = object.toJavaScript() as Record<string, unknown>;
    let changed = false;
    for (const name of names) {
        const value = state[name];
        if (value === undefined || isSecret(value)) continue;
        state[name] = asSecret(value);
        changed = true;
    }
    // The response's own Struct class (google-protobuf, as bundled with @pulumi/pulumi).
    if (changed) resp.setObject(object.constructor.fromJavaScript(state));
}
