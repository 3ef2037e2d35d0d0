/**
 * The shared libraries an ELF64 little-endian file (a Linux x64 .so) asks the loader for: its DT_NEEDED
 * entries, read from the dynamic section. This tells which CUDA and cuDNN major versions onnxruntime's
 * CUDA provider was built against (libcudart.so.13, libcudnn.so.9) without loading it.
 */
export function elfNeededLibraries(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 64 || view.getUint32(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("not a 64-bit little-endian ELF file");
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  const shoff = u64(0x28);
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: view.getUint32(at + 4, true),
      offset: u64(at + 0x18),
      size: u64(at + 0x20),
      link: view.getUint32(at + 0x28, true),
    };
  };
  const SHT_DYNAMIC = 6;
  const DT_NEEDED = 1;
  const out: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const dyn = section(i);
    if (dyn.type !== SHT_DYNAMIC) continue;
    const strtab = section(dyn.link);
    for (let at = dyn.offset; at + 16 <= dyn.offset + dyn.size; at += 16) {
      const tag = view.getBigInt64(at, true);
      if (tag === 0n) break;
      if (tag !== BigInt(DT_NEEDED)) continue;
      let end = strtab.offset + u64(at + 8);
      const start = end;
      while (end < bytes.length && bytes[end] !== 0) end++;
      out.push(new TextDecoder().decode(bytes.subarray(start, end)));
    }
  }
  return out;
}

/** "libcudart.so.13" -> CUDA 13; "libcudnn.so.9" -> cuDNN 9, from a needed-library list. */
export function cudaMajorVersions(needed: string[]): { cuda: number | null; cudnn: number | null } {
  const major = (re: RegExp) => {
    for (const lib of needed) {
      const m = re.exec(lib);
      if (m) return Number(m[1]);
    }
    return null;
  };
  return {
    cuda: major(/^libcudart\.so\.(\d+)/) ?? major(/^libcublas(?:Lt)?\.so\.(\d+)/),
    cudnn: major(/^libcudnn\.so\.(\d+)/),
  };
}
