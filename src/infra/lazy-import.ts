/**
 * A library loaded on its first use, once: heavy ones that only some requests need (spreadsheets,
 * PDFs) stay out of the memory of a server that never serves those requests.
 */
export function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    return loading;
  };
}
