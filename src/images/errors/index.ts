export { CorruptImageError } from "./corrupt-image-error.js";
export { DownloadError, type DownloadErrorCode } from "./download-error.js";
export { ImageError, type ImageErrorCode } from "./image-error.js";
export { ImageShapeError } from "./image-shape-error.js";
export { ImageTooLargeError } from "./image-too-large-error.js";
export { NotAnImageError } from "./not-an-image-error.js";
