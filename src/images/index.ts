export * from "./encode-png.js";
export * from "./errors/index.js";
export * from "./fit-size.js";
export * from "./normalise-image.js";
export * from "./planar.js";
export * from "./rgb-image.js";
export * from "./safe-download.js";
