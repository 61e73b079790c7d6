/**
 * Sets `key` as the newest entry of `map` (a Map iterates in insertion order), then lets go of the
 * oldest entries beyond `capacity`: the bound of the in-memory caches that keep what was used last.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= capacity) break;
    map.delete(oldest);
  }
}
