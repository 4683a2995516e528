/** File name of the trained model inside `--out` (the predict CLI's default). */
export const MODEL_FILE = 'model.safetensors';
