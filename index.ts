// Entry point the Pulumi CLI loads (Pulumi.yaml `main`). The program itself lives in
// stacks/program.ts so the offline engine runs exactly the same code under mocks.
import { program } from "./stacks/program";

export default program;
