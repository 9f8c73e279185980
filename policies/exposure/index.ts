/** Network exposure: admin ports, public ingress, private subnets and VMs, address plan. */
import type { BlitzPolicy } from "../lib/policy";
import { adminPorts } from "./adminPorts";
import { privateInstances } from "./privateInstances";
import { privateSubnets } from "./privateSubnets";
import { publicIngress } from "./publicIngress";
import { vcnAddressSpace } from "./vcnAddressSpace";
import { vcnOverlap } from "./vcnOverlap";

export const exposurePolicies: BlitzPolicy[] = [adminPorts, publicIngress, privateSubnets, privateInstances, vcnAddressSpace, vcnOverlap];
