import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DOWNLOAD_ACTION,
  InvalidSignedUrlError,
  type SignedObject,
  type UrlSigner,
} from '../../core/downloads/url-signer.js';
import type { BlobInfo, BlobStore } from '../../core/ports/blob-store.js';

export interface DownloadRouteOptions {
  store: BlobStore;
  signer: UrlSigner;
}

const FILES_PATH = '/files/';

/** The public link of a signed token: `${baseUrl}/files/${token}` (tokens are URL-safe as they are). */
export function downloadUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${FILES_PATH}${token}`;
}

/** For the logger's `req` serializer: a signed link is a bearer credential and must not be logged. */
export function redactFileToken(url: string): string {
  return url.replace(/(\/files\/)[^?#]+/, '$1[redacted]');
}

/**
 * RFC 6266 `attachment` with an ASCII `filename` fallback and the exact name in RFC 8187
 * `filename*=UTF-8''…`. Path separators are replaced: the name never names a folder.
 */
export function contentDisposition(filename: string): string {
  const name = filename.replace(/[/\\]/g, '_');
  const fallback = name.replace(/[^\x20-\x7e]|["%]/g, '_');
  let encoded: string;
  try {
    encoded = encodeURIComponent(name).replace(
      /['()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    return `attachment; filename="${fallback}"`; // lone surrogate: the fallback alone is still correct
  }
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * `GET|HEAD /files/*`: verify the signed token, then stream the blob. A wildcard rather than
 * `/files/:token` because tokens are longer than find-my-way's default `maxParamLength` (100).
 */
export async function downloadRoutes(app: FastifyInstance, opts: DownloadRouteOptions): Promise<void> {
  const { store, signer } = opts;

  // The store failing (disk full, S3 unreachable) is the only error left here: a retryable 503.
  app.setErrorHandler((err, req, reply) => {
    req.log.error({ err }, 'blob store failed while serving a download');
    return sendError(
      reply,
      503,
      'ServiceUnavailable',
      'The file cannot be read right now.',
      'Retry shortly.',
    );
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: `${FILES_PATH}*`,
    exposeHeadRoute: false,
    schema: {
      summary: 'Download a file through a signed, short-lived link',
      params: { type: 'object', properties: { '*': { type: 'string' } } },
    },
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const token = (req.params as { '*'?: string })['*'] ?? '';
      let signed: SignedObject;
      try {
        signed = signer.verify(token, DOWNLOAD_ACTION);
      } catch (err) {
        if (!(err instanceof InvalidSignedUrlError)) throw err;
        const details =
          err.reason === 'expired'
            ? 'The download link has expired; request a new one.'
            : 'The download link is invalid.';
        return sendError(reply, 403, 'Unauthorized', 'Access to requested resource is denied.', details);
      }

      if (req.method === 'HEAD') {
        const info = await store.head(signed.key);
        if (!info) return notFound(reply);
        setFileHeaders(reply, info, signed);
        return reply.send();
      }
      const blob = await store.get(signed.key);
      if (!blob) return notFound(reply);
      setFileHeaders(reply, blob.info, signed);
      // Fastify pipes the stream with back-pressure and destroys it if the client goes away.
      return reply.send(blob.stream);
    },
  });
}

function setFileHeaders(reply: FastifyReply, info: BlobInfo, signed: SignedObject): void {
  const filename = signed.filename ?? info.key.slice(info.key.lastIndexOf('/') + 1);
  reply
    .header('content-type', signed.contentType ?? info.contentType)
    .header('content-length', String(info.size))
    .header('content-disposition', contentDisposition(filename))
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff');
}

function notFound(reply: FastifyReply): FastifyReply {
  return sendError(
    reply,
    404,
    'NotFound',
    'The requested file was not found.',
    'The file behind this download link no longer exists.',
  );
}

/** SP-API-style error body; the dialects render their own errors, this route has one shape. */
function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details: string,
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ errors: [{ code, message, details }] });
}
