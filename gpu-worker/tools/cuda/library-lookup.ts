import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Which of these shared libraries the dynamic loader can find on this host: in LD_LIBRARY_PATH, or in
 * the loader cache (`ldconfig -p`). A library found nowhere makes the CUDA provider fail to load.
 */
export function missingLibraries(names: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  let cache = "";
  for (const ldconfig of ["ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"]) {
    try {
      cache = execFileSync(ldconfig, ["-p"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 5000,
      });
      break;
    } catch {
      // Try the next place ldconfig lives.
    }
  }
  const dirs = (env.LD_LIBRARY_PATH ?? "").split(":").filter((d) => d !== "");
  return names.filter(
    (name) => !cache.includes(`${name} `) && !dirs.some((d) => existsSync(path.join(d, name))),
  );
}
