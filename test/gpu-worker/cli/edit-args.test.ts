import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../../config/index.js";
import { parseEditArgs } from "../../../gpu-worker/src/cli/edit-args.js";
import { UsageError } from "../../../gpu-worker/src/cli/errors/usage-error.js";

const base = ["--image", "in.jpg", "--prompt", "a snowy street", "--out", "out.png"];

describe("parseEditArgs: solver and step counts", () => {
  const config = parseConfig({});

  it("takes the midpoint solver by default: 28 SDE steps after a 10-step inversion, 10 each way for ode", () => {
    const sde = parseEditArgs(base, config);
    assert.deepEqual(
      [sde?.sampler, sde?.solver, sde?.steps, sde?.inversionSteps],
      ["sde", "midpoint", 28, 10],
    );
    const ode = parseEditArgs([...base, "--sampler", "ode"], config);
    assert.deepEqual([ode?.solver, ode?.steps, ode?.inversionSteps], ["midpoint", 10, 10]);
  });

  it("gives the paper's recipe with --solver euler, and honours explicit step counts", () => {
    const euler = parseEditArgs([...base, "--sampler", "ode", "--solver", "euler"], config);
    assert.deepEqual([euler?.solver, euler?.steps, euler?.inversionSteps], ["euler", 28, 28]);
    const explicit = parseEditArgs([...base, "--steps", "12", "--inversion-steps", "7"], config);
    assert.deepEqual([explicit?.steps, explicit?.inversionSteps], [12, 7]);
    const odeSteps = parseEditArgs([...base, "--sampler", "ode", "--steps", "16"], config);
    assert.equal(odeSteps?.inversionSteps, 16, "the ODE's inversion follows --steps");
  });

  it("follows DEFAULT_SOLVER, DEFAULT_STEPS and INVERSION_STEPS", () => {
    const set = parseConfig({ DEFAULT_SOLVER: "euler", DEFAULT_STEPS: "20", INVERSION_STEPS: "14" });
    const args = parseEditArgs(base, set);
    assert.deepEqual([args?.solver, args?.steps, args?.inversionSteps], ["euler", 20, 14]);
  });

  it("names a wrong solver or step count", () => {
    assert.throws(
      () => parseEditArgs([...base, "--solver", "rk4"], config),
      (err: Error) => {
        return err instanceof UsageError && /--solver must be euler or midpoint, got "rk4"/.test(err.message);
      },
    );
    assert.throws(
      () => parseEditArgs([...base, "--inversion-steps", "ten"], config),
      (err: Error) => err instanceof UsageError && /--inversion-steps must be an integer/.test(err.message),
    );
  });
});
