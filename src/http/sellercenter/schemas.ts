import { type TSchema, Type } from '@sinclair/typebox';
import { StringEnum } from '../shared/openapi-docs.js';

/** OpenAPI schemas of the SellerCenter dialect; the routes' validation and docs come from them. */

export const Problem = Type.Object(
  {
    title: Type.String({ description: 'The kind, in words (e.g. `Bad Request`).' }),
    status: Type.Integer({ description: 'The HTTP status.' }),
    detail: Type.String({ description: 'What happened in this request.' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'The parameter or field at fault.' }),
          message: Type.String({ description: 'What is wrong with it.' }),
        }),
        { description: 'One entry per invalid field.' },
      ),
    ),
  },
  { description: 'Problem details' },
);

export const PROBLEM_STATUSES = [400, 401, 404, 409, 413, 429, 500, 503];

export function withProblems(success: Record<number, TSchema>): Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...success };
  for (const status of PROBLEM_STATUSES) out[status] = Problem;
  return out;
}

/** The Bearer requirement, as the OpenAPI document shows it. */
export const bearer = [{ bearerAuth: [] }];

export const FormatQuery = Type.Object({
  format: Type.Optional(Type.String({ description: '`xlsx` (default) or `csv`' })),
});

export const IdParams = Type.Object({ id: Type.String({ description: 'The integer id or the uuid' }) });

export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ description: 'Send it as `Authorization: Bearer <access_token>`.' }),
    token_type: Type.Literal('Bearer', { description: 'Always Bearer.' }),
    expires_in: Type.Integer({ description: 'Seconds until the token expires.' }),
  },
  { description: 'The access token.' },
);

export const ExportCreated = Type.Object(
  {
    exportItemId: Type.Integer({ description: 'Poll GET /v2/exports/{exportItemId}.' }),
    uuid: Type.String({ description: 'The file id to download once finished.' }),
  },
  { description: 'The export was queued.' },
);

const JOB_STATUS = ['queued', 'processing', 'finished', 'failed'] as const;

export const ExportStatus = Type.Object(
  {
    exportItemId: Type.Integer(),
    uuid: Type.String(),
    status: StringEnum(JOB_STATUS),
    createdAt: Type.String(),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
    rowCount: Type.Union([Type.Integer(), Type.Null()]),
    fileName: Type.String(),
  },
  { description: 'The export; once finished, download `uuid` from the file manager.' },
);

export const FeedCreated = Type.Object(
  {
    feedId: Type.Integer({ description: 'Poll GET /v2/feeds/{feedId}.' }),
    feedUuid: Type.String({ description: 'The same feed, by uuid.' }),
  },
  { description: 'Accepted: the file is read in the background.' },
);

const FieldProblems = Type.Array(Type.Object({ field: Type.String(), message: Type.String() }));

export const FeedQuery = Type.Object({
  afterRow: Type.Optional(Type.Integer({ minimum: 0, description: 'Results after this row number' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Results per page (1000)' })),
});

export const FeedStatus = Type.Object(
  {
    feedId: Type.Integer(),
    feedUuid: Type.String(),
    status: StringEnum(JOB_STATUS),
    createdAt: Type.String(),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
    fileName: Type.String(),
    description: Type.String(),
    ignoredColumns: Type.Array(Type.String()),
    fileErrors: FieldProblems,
    summary: Type.Object({
      rows: Type.Integer(),
      applied: Type.Integer(),
      unchanged: Type.Integer(),
      rejected: Type.Integer(),
    }),
    results: Type.Array(
      Type.Object({
        row: Type.Integer(),
        orderId: Type.Union([Type.String(), Type.Null()]),
        orderItemId: Type.Union([Type.String(), Type.Null()]),
        status: StringEnum(['applied', 'unchanged', 'rejected', 'pending']),
        message: Type.String(),
        errors: FieldProblems,
      }),
    ),
    nextAfterRow: Type.Optional(
      Type.Integer({ description: 'Pass it as afterRow for the next page of results.' }),
    ),
  },
  { description: 'The feed, its summary and one page of row results.' },
);

export const SetKeyBody = Type.Object(
  {
    accessKey: Type.String({ maxLength: 200, description: 'The 44-character NF-e access key' }),
    orderId: Type.Optional(
      Type.String({ maxLength: 128, description: 'Needed only when the item id exists in several orders' }),
    ),
  },
  { additionalProperties: false },
);

export const SetKeyResponse = Type.Object(
  {
    orderId: Type.String(),
    orderItemId: Type.String(),
    accessKey: Type.String(),
    status: StringEnum(['applied', 'unchanged']),
  },
  { description: 'The key is stored (applied) or was already (unchanged).' },
);
