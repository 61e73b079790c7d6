import { describe, expect, it } from 'vitest';
import { DOWNLOAD_ACTION, InvalidSignedUrlError, UrlSigner } from '../../src/core/downloads/url-signer.js';
import { UnauthorizedError } from '../../src/core/errors.js';
import { BlobKeyError } from '../../src/core/ports/blob-store.js';
import { ManualClock } from '../../src/infra/clock.js';

const SECRET = 'a-test-signing-secret-of-at-least-32-chars';
const KEY = 'exports/seller-1/export-9/part-0001.zip';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidSignedUrlError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('UrlSigner', () => {
  const clock = new ManualClock(new Date('2030-05-01T12:00:00.250Z'));
  const signer = new UrlSigner(SECRET, clock);

  it('signs a URL-safe token that verifies to its payload', () => {
    const token = signer.sign({
      key: KEY,
      action: DOWNLOAD_ACTION,
      ttlSeconds: 30,
      filename: 'Relatório março.zip',
      contentType: 'application/zip',
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(signer.verify(token, DOWNLOAD_ACTION)).toEqual({
      key: KEY,
      action: 'download',
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 30,
      filename: 'Relatório março.zip',
      contentType: 'application/zip',
    });
    const plain = signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30 });
    expect(signer.verify(plain, DOWNLOAD_ACTION)).toEqual({
      key: KEY,
      action: 'download',
      expiresAt: expect.any(Number),
    });
  });

  it('verifies with a Uint8Array secret equal to the string one', () => {
    const token = signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30 });
    expect(new UrlSigner(new TextEncoder().encode(SECRET), clock).verify(token, DOWNLOAD_ACTION).key).toBe(
      KEY,
    );
  });

  it('rejects every single-character alteration as invalid', () => {
    const token = signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30, filename: 'a.zip' });
    for (let i = 0; i < token.length; i++) {
      for (const c of ['A', 'B', '_']) {
        if (token[i] === c) continue;
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        expect(
          reasonOf(() => signer.verify(altered, DOWNLOAD_ACTION)),
          `position ${i}`,
        ).toBe('invalid');
      }
    }
  });

  it('rejects garbage, truncation and extension as invalid', () => {
    const token = signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30 });
    for (const bad of [
      '',
      '.',
      'abc',
      token.slice(0, -1),
      `${token}A`,
      `${token}.x`,
      `x${token}`,
      token.replace('.', ''),
    ]) {
      expect(
        reasonOf(() => signer.verify(bad, DOWNLOAD_ACTION)),
        bad,
      ).toBe('invalid');
    }
    expect(reasonOf(() => signer.verify('A'.repeat(5000), DOWNLOAD_ACTION))).toBe('invalid');
    expect(reasonOf(() => signer.verify(undefined as unknown as string, DOWNLOAD_ACTION))).toBe('invalid');
  });

  it('expires exactly at the expiry, not before', () => {
    const c = new ManualClock(new Date('2030-05-01T12:00:00.999Z'));
    const s = new UrlSigner(SECRET, c);
    const token = s.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30 });
    c.advance(29_000);
    expect(s.verify(token, DOWNLOAD_ACTION).key).toBe(KEY);
    c.advance(1_000);
    expect(reasonOf(() => s.verify(token, DOWNLOAD_ACTION))).toBe('expired');
    const err = (() => {
      try {
        s.verify(token, DOWNLOAD_ACTION);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as Error).message).toMatch(/expired/);
  });

  it('rejects a token signed with another secret as invalid, even once expired', () => {
    const other = new UrlSigner('another-secret-that-is-also-32-chars-long', clock);
    const token = other.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30 });
    expect(reasonOf(() => signer.verify(token, DOWNLOAD_ACTION))).toBe('invalid');
    const c = new ManualClock(clock.now());
    const s = new UrlSigner(SECRET, c);
    const forged = new UrlSigner('another-secret-that-is-also-32-chars-long', c).sign({
      key: KEY,
      action: DOWNLOAD_ACTION,
      ttlSeconds: 1,
    });
    c.advance(60_000);
    expect(reasonOf(() => s.verify(forged, DOWNLOAD_ACTION))).toBe('invalid');
  });

  it('rejects a token for another action as invalid', () => {
    const token = signer.sign({ key: KEY, action: 'upload', ttlSeconds: 30 });
    expect(reasonOf(() => signer.verify(token, DOWNLOAD_ACTION))).toBe('invalid');
    expect(signer.verify(token, 'upload').action).toBe('upload');
  });

  it('refuses to sign bad input and refuses short secrets', () => {
    expect(() => signer.sign({ key: '../etc/passwd', action: DOWNLOAD_ACTION, ttlSeconds: 30 })).toThrow(
      BlobKeyError,
    );
    expect(() => signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 0 })).toThrow(TypeError);
    expect(() => signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 1.5 })).toThrow(TypeError);
    expect(() => signer.sign({ key: KEY, action: 'Down Load', ttlSeconds: 30 })).toThrow(TypeError);
    expect(() =>
      signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30, filename: 'a\r\nb' }),
    ).toThrow(TypeError);
    expect(() =>
      signer.sign({ key: KEY, action: DOWNLOAD_ACTION, ttlSeconds: 30, filename: 'a\ud800b' }),
    ).toThrow(TypeError);
    expect(() =>
      signer.sign({
        key: KEY,
        action: DOWNLOAD_ACTION,
        ttlSeconds: 30,
        contentType: 'text/html\r\nX-Evil: 1',
      }),
    ).toThrow(TypeError);
    expect(() => new UrlSigner('too-short', clock)).toThrow(/32 bytes/);
  });
});
