/**
 * The two names a FLUX part's weights file goes by next to its model.onnx: Optimum's exporter saves
 * `model.onnx_data` (onnx.save with location = output name + "_data"); ONNX Runtime's optimizer
 * (onnx_model.save_model_to_file, used by optimize_pipeline.py) saves `model.onnx.data`. The ONNX file
 * names its own weights file, so loading needs neither; these are for hashing and checking folders.
 */
export const EXPORTER_DATA_FILE = "model.onnx_data";
export const OPTIMIZER_DATA_FILE = "model.onnx.data";

export type ExternalDataName = typeof EXPORTER_DATA_FILE | typeof OPTIMIZER_DATA_FILE;

export const EXTERNAL_DATA_NAMES: ExternalDataName[] = [EXPORTER_DATA_FILE, OPTIMIZER_DATA_FILE];
