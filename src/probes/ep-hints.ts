/** How to get each onnxruntime-node execution provider, by platform. */

const CUDA_INSTALL =
  'install CUDA 12 + cuDNN 9, then with network run `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false` ' +
  "(this repo's .npmrc skips dependency install scripts so offline installs work)";

export function epHint(ep: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | undefined {
  switch (ep) {
    case 'cpu':
      return 'reinstall onnxruntime-node (`npm ci`); the CPU EP is always bundled';
    case 'cuda':
      if (platform === 'darwin') return 'CUDA is not available on macOS; use coreml or webgpu';
      return `needs an NVIDIA GPU: ${CUDA_INSTALL}`;
    case 'tensorrt':
      if (platform === 'darwin') return 'TensorRT is not available on macOS';
      return `needs an NVIDIA GPU and TensorRT 10 on the library path (LD_LIBRARY_PATH/PATH); ${CUDA_INSTALL}`;
    case 'webgpu':
      if (platform === 'linux') {
        return (
          'needs a Vulkan driver for your GPU and `apt-get install libvulkan1`; without a GPU (tests only, slow): ' +
          '`apt-get install chromium libvulkan1` and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json'
        );
      }
      if (platform === 'darwin') return 'WebGPU uses Metal: update macOS and onnxruntime-node';
      if (platform === 'win32') return 'WebGPU uses Direct3D 12: update the GPU driver and onnxruntime-node';
      return 'WebGPU needs a GPU driver Dawn supports (Vulkan, Metal or D3D12)';
    case 'coreml':
      return platform === 'darwin'
        ? 'CoreML ships in onnxruntime-node for macOS: reinstall or update onnxruntime-node'
        : 'CoreML is macOS only';
    case 'dml':
      return platform === 'win32'
        ? 'DirectML ships in onnxruntime-node for Windows: update the GPU driver and onnxruntime-node'
        : 'DirectML is Windows only';
    case 'qnn':
      if (platform === 'win32' && arch === 'arm64') {
        return 'QNN needs the Qualcomm AI Engine Direct (QNN) runtime; check that onnxruntime-node for win32-arm64 lists it';
      }
      return 'QNN is for Windows on Snapdragon (arm64) only';
    default:
      return undefined;
  }
}
