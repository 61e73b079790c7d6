import type bwipjs from 'bwip-js';
import { lazyImport } from '../lazy-import.js';

const bwip = lazyImport(async () => (await import('bwip-js')).default);

/**
 * The DANFE's CODE-128 of the access key as a PNG. 44 digits are encoded in code set C (two digits
 * per symbol), which bwip-js's encoder chooses for an all-digit text; no human-readable line (the
 * DANFE prints the key in its own field). Opaque white background: no alpha channel (soft mask) in the
 * PDF, which some printers and readers render black.
 */
export async function accessKeyBarcode(accessKey: string): Promise<Buffer> {
  return (await bwip()).toBuffer({
    bcid: 'code128',
    text: accessKey,
    scale: 2,
    height: 12,
    backgroundcolor: 'FFFFFF',
  });
}

/** The NFC-e consultation QR code (infNFeSupl/qrCode) as a PNG, error correction M. */
export async function qrCode(url: string): Promise<Buffer> {
  const options: bwipjs.RenderOptions & { eclevel: string } = {
    bcid: 'qrcode',
    text: url,
    scale: 4,
    eclevel: 'M',
    padding: 4,
    backgroundcolor: 'FFFFFF',
  };
  return (await bwip()).toBuffer(options);
}
