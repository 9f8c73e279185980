/** Compute and storage hardening (Checkov / CIS OCI benchmark checks). */
import type { BlitzPolicy } from "../lib/policy";
import { bucketPrivate } from "./bucketPrivate";
import { bucketVersioned } from "./bucketVersioned";
import { inTransitEncryption } from "./inTransitEncryption";
import { legacyImds } from "./legacyImds";
import { monitoring } from "./monitoring";
import { volumeBackup } from "./volumeBackup";

export const computePolicies: BlitzPolicy[] = [legacyImds, inTransitEncryption, monitoring, bucketPrivate, bucketVersioned, volumeBackup];
