/**
 * Long loops of synchronous work (parsing a batch of NF-e, walking a bulk ZIP) give the event loop
 * back every `sliceMs`, so health checks and other sellers' requests are answered in between
 * instead of after the whole upload. setImmediate lets pending I/O run before the loop goes on.
 */
export const DEFAULT_SLICE_MS = 10;

export function timeSlicer(sliceMs = DEFAULT_SLICE_MS): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
