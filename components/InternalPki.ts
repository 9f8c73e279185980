/**
 * The deployment's private CA (render/internalPki.ts) as Pulumi values: the eu stack keeps its
 * 32-byte seed as a secret `random.RandomBytes` and exports it (secret) to the other stacks, so
 * every region derives the same CA and signs its own services' leaves. The CA certificate and
 * every certificate and key reach hosts only through delivery's secret environment.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { TopologyPlan } from "../plan/types";
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
    /** The seed (secret), exported by the eu stack; undefined when it came from there. */
    readonly generatedSeed?: pulumi.Output<string>;
    private readonly ca: pulumi.Output<InternalCa>;
    private readonly plan: TopologyPlan;

    constructor(name: string, args: InternalPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:InternalPki", name, {}, opts);
        this.plan = args.plan;
        const seed = args.sharedSeed
            ? pulumi.secret(args.sharedSeed)
            : new random.RandomBytes(`${name}-ca-seed`, { length: 32 }, { parent: this }).base64;
        if (!args.sharedSeed) this.generatedSeed = pulumi.secret(seed);
        const validity = args.validity ?? DEFAULT_PKI_VALIDITY;
        this.ca = pulumi.secret(seed.apply((s) => internalCaFromSeed(s, "BlitzHub internal CA", validity)));
        this.caCert = pulumi.unsecret(this.ca.apply((ca) => ca.certPem));
        this.registerOutputs({ caCert: this.caCert });
    }

    /** Secret values of the `secret/pki/...` paths among `refs`, by path (certificates and keys). */
    values(refs: Iterable<string>): Record<string, pulumi.Output<string>> {
        const paths = [...new Set(refs)].filter(isPkiSecretPath).sort();
        const all = this.ca.apply((ca) => pkiSecretValues(this.plan, ca, paths));
        return Object.fromEntries(paths.map((p) => [p, pulumi.secret(all.apply((v) => v[p]))]));
    }
}
