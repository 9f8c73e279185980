/**
 * The deployment's private CA (render/internalPki.ts) as Pulumi values: the eu stack keeps its
 * 32-byte seed as a secret `random.RandomBytes` and exports it (secret) to the other stacks, so
 * every region derives the same CA and signs its own services' leaves. The CA certificate and
 * every certificate and key reach hosts only through delivery's secret environment.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TopologyPlan } from "../plan/types";
import { type BackendCa, backendCaFromSeed, backendPkiSecretValues, isBackendPkiSecretPath } from "../render/backendPki";
import { DEFAULT_PKI_VALIDITY, type InternalCa, internalCaFromSeed, isPkiSecretPath, pkiSecretValues, type PkiValidity } from "../render/internalPki";

export interface InternalPkiArgs {
    plan: TopologyPlan;
    /** Other regions: the eu stack's `internalCaSeed` output. Absent: this stack generates the seed. */
    sharedSeed?: pulumi.Output<string>;
    validity?: PkiValidity;
}

export class InternalPki extends pulumi.ComponentResource {
    /** The CA certificate (PEM): public, what every VM trusts. */
    readonly caCert: pulumi.Output<string>;
    /**
     * The backend CA certificate (PEM, public; render/backendPki.ts): ECDSA P-256 from the same
     * seed, what the public load balancers verify Nginx and the RPC gateway with.
     */
    readonly backendCaCert: pulumi.Output<string>;
    /** The seed (secret), exported by the eu stack; undefined when it came from there. */
    readonly generatedSeed?: pulumi.Output<string>;
    /** The seed (secret); the CA is derived again in each `apply` (an Output would copy its keys into plain objects). */
    private readonly seed: pulumi.Output<string>;
    private readonly validity: PkiValidity;
    private readonly plan: TopologyPlan;
    private cached?: { seed: string; ca: InternalCa };
    private cachedBackend?: { seed: string; ca: BackendCa };

    constructor(name: string, args: InternalPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:InternalPki", name, {}, opts);
        this.plan = args.plan;
        const seed = args.sharedSeed
            ? pulumi.secret(args.sharedSeed)
            : new random.RandomBytes(`${name}-ca-seed`, { length: 32 }, { parent: this }).base64;
        if (!args.sharedSeed) this.generatedSeed = pulumi.secret(seed);
        this.seed = pulumi.secret(seed);
        this.validity = args.validity ?? DEFAULT_PKI_VALIDITY;
        this.caCert = pulumi.unsecret(this.seed.apply((s) => this.caOf(s).certPem));
        this.backendCaCert = pulumi.unsecret(this.seed.apply((s) => this.backendCaOf(s).certPem));
        this.registerOutputs({ caCert: this.caCert, backendCaCert: this.backendCaCert });
    }

    private caOf(seed: string): InternalCa {
        if (this.cached?.seed !== seed) this.cached = { seed, ca: internalCaFromSeed(seed, "BlitzHub internal CA", this.validity) };
        return this.cached.ca;
    }

    private backendCaOf(seed: string): BackendCa {
        if (this.cachedBackend?.seed !== seed) this.cachedBackend = { seed, ca: backendCaFromSeed(seed, this.validity) };
        return this.cachedBackend.ca;
    }

    /** Secret values of the `secret/pki/...` paths among `refs`, by path (certificates and keys). */
    values(refs: Iterable<string>): Record<string, pulumi.Output<string>> {
        const paths = [...new Set(refs)].filter((p) => isPkiSecretPath(p) || isBackendPkiSecretPath(p)).sort();
        const all = this.seed.apply((seed) => ({
            ...pkiSecretValues(this.plan, this.caOf(seed), paths.filter(isPkiSecretPath)),
            ...backendPkiSecretValues(this.plan, this.backendCaOf(seed), paths.filter(isBackendPkiSecretPath)),
        }));
        return Object.fromEntries(paths.map((p) => [p, pulumi.secret(all.apply((v) => v[p]))]));
    }
}
