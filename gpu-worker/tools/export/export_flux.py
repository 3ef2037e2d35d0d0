#!/usr/bin/env python3
"""Export FLUX.1-dev or -schnell to one ONNX folder that rf-edit's worker loads as it is.

    npm run models:export -- --model black-forest-labs/FLUX.1-dev --out models/flux-dev [--precision bf16]

The plan (``--dry-run`` prints it and runs nothing):

1. Optimum's exporter writes the fp32 pipeline in a work folder:
   ``optimum-cli export onnx --model M --task text-to-image --opset 15 WORK``
   (opset 15 as ONNX Runtime's own Flux benchmark does; bfloat16 needs opset 13 or later).
2. ONNX Runtime's Flux optimizer fuses attention into MultiHeadAttention (no tokens x tokens matrix)
   and converts to fp16, keeping the nodes that overflow fp16 in fp32, or in bf16 with --bfloat16:
   ``python -m onnxruntime.transformers.models.stable_diffusion.optimize_pipeline -i WORK -o OUT
   --float16 [--bfloat16] --use_external_data_format``. It copies the scheduler config, both
   tokenizers, model_index.json and every part's config.json, so OUT is complete.
3. ``npm run models:check -- OUT`` checks the result as the worker will see it.
4. The work folder (the fp32 export, about 67 GB) is removed unless --keep-work.

Exit codes: 0 done, 2 wrong arguments, 3 missing Python packages, 4 a step failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
REQUIREMENTS = HERE / "requirements.txt"

# (module to import, pip package that provides it)
REQUIRED_MODULES = [
    ("torch", "torch"),
    ("diffusers", "diffusers"),
    ("transformers", "transformers"),
    ("optimum.exporters.onnx", "optimum-onnx"),
    ("onnx", "onnx"),
    ("onnxruntime", "onnxruntime"),
    ("sympy", "sympy"),
    ("sentencepiece", "sentencepiece"),
    ("coloredlogs", "coloredlogs"),
    ("packaging", "packaging"),
]

OPTIMIZER_MODULE = "onnxruntime.transformers.models.stable_diffusion.optimize_pipeline"
EXPORT_OPSET = 15


class UsageError(Exception):
    """Wrong arguments: exit 2 with the message."""


@dataclass
class Step:
    what: str
    argv: list[str]

    def shell(self) -> str:
        return " ".join(shlex.quote(a) for a in self.argv)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="npm run models:export --",
        description="Export FLUX.1 to one ONNX folder for rf-edit (Optimum's exporter, then ONNX Runtime's Flux optimizer).",
    )
    parser.add_argument("--model", required=True, help="Hugging Face id (black-forest-labs/FLUX.1-dev) or a local diffusers folder")
    parser.add_argument("--out", required=True, help="the folder to write; MODEL_DIR then points here")
    parser.add_argument("--precision", choices=["fp16", "bf16", "fp32"], default="bf16",
                        help="bf16 (default): fp16 with bf16 where fp16 overflows; fp16: fp32 there; fp32: no conversion")
    parser.add_argument("--variant", choices=["dev", "schnell"], help="default: read from the model (guidance_embeds) or its name")
    parser.add_argument("--work", help="folder for the fp32 export (default: OUT.fp32-export)")
    parser.add_argument("--keep-work", action="store_true", help="keep the fp32 export")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where Optimum traces the model (cuda needs about 40 GB)")
    parser.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and run nothing")
    return parser.parse_args(argv)


def detect_variant(model: str, asked: str | None) -> str:
    """The variant from a local folder's transformer config, else from the name; --variant must agree."""
    config = Path(model) / "transformer" / "config.json"
    found = None
    source = None
    if config.is_file():
        try:
            guidance = json.loads(config.read_text()).get("guidance_embeds")
        except (OSError, ValueError) as err:
            raise UsageError(f"{config} cannot be read: {err}") from err
        if isinstance(guidance, bool):
            found, source = ("dev" if guidance else "schnell"), f"{config} (guidance_embeds {str(guidance).lower()})"
    elif Path(model).exists() and not Path(model).is_dir():
        raise UsageError(f"--model {model} is a file; give a Hugging Face id or a diffusers folder")
    elif Path(model).is_dir():
        raise UsageError(f"--model {model} is not a diffusers FLUX.1 folder: {config} is missing")
    if found is None:
        name = model.lower()
        found = "schnell" if "schnell" in name else "dev" if "dev" in name else None
        source = f"the name {model}"
    if asked and found and asked != found:
        raise UsageError(f"--variant {asked}, but {source} says FLUX.1-{found}")
    variant = asked or found
    if variant is None:
        raise UsageError(f"cannot tell dev from schnell from {model}: add --variant dev or --variant schnell")
    return variant


def missing_requirements() -> list[str]:
    missing = []
    for module, package in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found and package not in missing:
            missing.append(package)
    return missing


def plan(args: argparse.Namespace, variant: str) -> tuple[Path, Path, list[Step]]:
    out = Path(args.out).resolve()
    work = Path(args.work).resolve() if args.work else out.with_name(out.name + ".fp32-export")
    if work == out:
        raise UsageError("--work must differ from --out")
    export = ["optimum-cli", "export", "onnx", "--model", args.model, "--task", "text-to-image",
              "--opset", str(EXPORT_OPSET), "--device", args.device, str(work)]
    optimize = [sys.executable, "-m", OPTIMIZER_MODULE, "-i", str(work), "-o", str(out), "--use_external_data_format"]
    if args.precision in ("fp16", "bf16"):
        optimize.append("--float16")
    if args.precision == "bf16":
        optimize.append("--bfloat16")
    if args.overwrite:
        optimize.append("--overwrite")
    check = ["npm", "run", "--silent", "models:check", "--", str(out)]
    steps = [
        Step(f"export FLUX.1-{variant} to fp32 ONNX with Optimum (about 67 GB in {work})", export),
        Step(
            "fuse attention and convert to "
            + {"bf16": "fp16, bf16 where fp16 overflows", "fp16": "fp16, fp32 where fp16 overflows", "fp32": "nothing (fp32, fusion only)"}[args.precision]
            + f", into {out}",
            optimize,
        ),
        Step("check the folder as the worker will load it", check),
    ]
    return out, work, steps


def run(step: Step) -> None:
    print(f"==> {step.what}\n    {step.shell()}", flush=True)
    try:
        done = subprocess.run(step.argv, cwd=REPO, check=False)
    except FileNotFoundError as err:
        raise RuntimeError(f"{step.argv[0]} is not installed ({err})") from err
    if done.returncode != 0:
        raise RuntimeError(f"{step.what} failed (exit code {done.returncode})")


def main(argv: list[str]) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exit_:
        return 2 if exit_.code not in (0, None) else 0
    try:
        variant = detect_variant(args.model, args.variant)
        out, work, steps = plan(args, variant)
        if out.exists() and any(out.iterdir()) and not args.overwrite and not args.dry_run:
            raise UsageError(f"{out} exists and is not empty: add --overwrite to replace it")
    except UsageError as err:
        print(f"models:export: {err}", file=sys.stderr)
        return 2

    missing = missing_requirements()
    if args.dry_run:
        print(f"Plan: FLUX.1-{variant} from {args.model} to {out} in {args.precision}")
        for i, step in enumerate(steps, 1):
            print(f"{i}. {step.what}\n   {step.shell()}")
        print(f"{len(steps) + 1}. " + (f"keep the fp32 export in {work}" if args.keep_work else f"remove the fp32 export {work}"))
        print(f"Then: MODEL_DIR={out} npm start")
        if missing:
            print(f"Missing Python packages (needed for a real run): {', '.join(missing)}; pip install -r {REQUIREMENTS}")
        return 0

    if missing:
        print(
            f"models:export: missing Python packages: {', '.join(missing)}.\n"
            f"Install them with:  {shlex.quote(sys.executable)} -m pip install -r {REQUIREMENTS}\n"
            "(for a CUDA build of PyTorch, install torch from the index pytorch.org names for your CUDA first)",
            file=sys.stderr,
        )
        return 3
    if shutil.which("optimum-cli") is None:
        print("models:export: optimum-cli is not on PATH (it comes with optimum-onnx); activate the environment you installed it in.", file=sys.stderr)
        return 3

    try:
        if args.overwrite and out.exists():
            shutil.rmtree(out)
        if work.exists() and any(work.iterdir()):
            print(f"==> reusing the fp32 export in {work} (delete it to export again)", flush=True)
        else:
            run(steps[0])
        for step in steps[1:]:
            run(step)
    except RuntimeError as err:
        print(f"models:export: {err}. The fp32 export is kept in {work}.", file=sys.stderr)
        return 4
    if not args.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Done: MODEL_DIR={out} npm start")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
