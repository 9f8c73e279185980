/**
 * Setup file of the `unit` project. Its files share a few long-lived workers (vitest.config.ts),
 * and the Pulumi SDK keeps one deployment's state per process: the program files each install
 * mocks and run a stack, and config set with `setAllConfig` outlives the file that set it
 * (`setMocks` resets the monitor and the stack, not the config). So each file waits for its
 * stack's outstanding registrations and clears the config when it ends, and a file that finds
 * config left behind fails instead of running on another file's settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll } from "vitest";
import { waitForRPCs } from "../offline/sdkAdapter";

beforeAll(() => {
    const left = Object.keys(pulumi.runtime.allConfig());
    if (left.length > 0) throw new Error(`Pulumi config left by an earlier test file in this worker: ${left.join(", ")} (test/sdkState.ts clears it after each file)`);
});

afterAll(async () => {
    await waitForRPCs();
    pulumi.runtime.setAllConfig({}, []);
});
