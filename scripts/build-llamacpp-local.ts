/**
 * npm run build:llamacpp-local — builds node-llama-cpp's native binding on this machine from the
 * llama.cpp source node-llama-cpp ships, with GGML_NATIVE and OpenMP (src/runners/llama-cpp/
 * local-build.ts says why). Offline; ~20 min on 2 cores; cmake's progress is printed. Once built,
 * the llama-cpp runner uses it on the CPU (runnerSettings binary: auto | local) and records it.
 * Run again to check it: an existing build is loaded, not rebuilt. `npm ci` removes it.
 */
import { EdgebenchError } from '../src/errors.ts';
import { buildLocal, describeBinary, LOCAL_BUILD_CMAKE_OPTIONS } from '../src/runners/llama-cpp/local-build.ts';

try {
  const { llama, built, seconds } = await buildLocal((m) => process.stderr.write(`${m}\n`));
  const { binary, openmp } = describeBinary(llama);
  console.log(built ? `built in ${Math.round(seconds)} s: ${binary}` : `already built: ${binary}`);
  console.log(
    `  cmake options  ${Object.entries(LOCAL_BUILD_CMAKE_OPTIONS)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  console.log(
    `  OpenMP         ${openmp ? 'yes: ggml reuses one thread team across llama_decode calls' : 'NO — libgomp was not found at build time, so threads are still started per decode'}`,
  );
  console.log(
    `  next           edgebench run --runner llama-cpp --ep cpu … (runnerSettings llama-cpp binary: auto picks it; resolved.settings.binary says which ran)`,
  );
  await llama.dispose();
} catch (e) {
  const err =
    e instanceof EdgebenchError
      ? e
      : new EdgebenchError('BACKEND_NOT_INSTALLED', (e as Error).message.split('\n')[0] ?? String(e), 'see the output above');
  process.stderr.write(`error[${err.code}]: ${err.message}\nhint: ${err.hint ?? ''}\n`);
  process.exit(1);
}
