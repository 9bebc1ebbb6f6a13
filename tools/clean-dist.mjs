// Empties the current project's dist/ before a build, so that a package never ships files of a removed source.
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
