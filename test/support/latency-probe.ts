/**
 * Polls a URL back to back while something else runs and keeps the slowest answer, plus the
 * process's peak RSS (the test server runs in this process). What a health checker and another
 * seller experience while a heavy request is being served.
 */
export function latencyProbe(url: string, init: RequestInit = {}) {
  const latencies: number[] = [];
  let peakRss = process.memoryUsage().rss;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        count: sorted.length,
        maxMs: Math.round(sorted.at(-1) ?? 0),
        p50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
        peakRss,
      };
    },
  };
}
