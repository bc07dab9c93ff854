/**
 * A shape must fit the model's context (KV depth + prompt + generated tokens ≤ positions). Checked
 * before the runner sees the request: past the end, ONNX Runtime fails with a raw Gather index
 * error and llama.cpp with a context overflow — neither says which shape or how far over it is.
 */
import { EdgebenchError } from '../errors.ts';
import type { Shape } from '../results/schema.ts';
import { genLength, promptLength } from './measure-cell.ts';

/** Positions one request of `shape` occupies (a text prompt replaces the seeded prompt length). */
export function positionsNeeded(shape: Shape, promptIds?: readonly number[]): number {
  return shape.depth + (promptIds ? promptIds.length : promptLength(shape)) + genLength(shape);
}

/** Throws CONFIG_INVALID naming the shape, the positions it needs and the model's context. */
export function checkContextFit(
  shape: Shape,
  contextLength: number | null | undefined,
  model: string,
  promptIds?: readonly number[],
): void {
  if (contextLength === null || contextLength === undefined) return; // remote or fake: the server decides
  const need = positionsNeeded(shape, promptIds);
  if (need > contextLength) {
    throw new EdgebenchError(
      'CONFIG_INVALID',
      `shape ${shape.name} needs ${need} positions (depth ${shape.depth} + prompt ${promptIds ? promptIds.length : promptLength(shape)} + generated ${genLength(shape)}) but ${model} holds ${contextLength} (max_position_embeddings)`,
      `use a shape within the context, e.g. a smaller @d depth or fewer tokens (at most ${contextLength} in all)`,
    );
  }
}
