import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Ids } from '../core/ports/ids.js';

const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyz';

export const systemIds: Ids = {
  uuid: () => uuidv7(),
  randomToken: (bytes) => randomBytes(bytes).toString('base64url'),
  randomAlnum: (length) => {
    let out = '';
    while (out.length < length) {
      for (const byte of randomBytes(length * 2)) {
        // 252 = 7 * 36: reject the tail of the byte range to keep the alphabet uniform.
        if (byte < 252 && out.length < length) out += ALNUM[byte % 36];
      }
    }
    return out;
  },
};
