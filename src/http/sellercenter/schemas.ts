import { type TSchema, Type } from '@sinclair/typebox';

/** OpenAPI schemas of the SellerCenter dialect; the routes' validation and docs come from them. */

export const Problem = Type.Object(
  {
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { description: 'Problem details' },
);

export function withProblems(success: Record<number, TSchema>): Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...success };
  for (const status of [400, 401, 404, 409, 413, 429, 500, 503]) out[status] = Problem;
  return out;
}

/** The Bearer requirement, as the OpenAPI document shows it. */
export const bearer = [{ bearerAuth: [] }];

export const FormatQuery = Type.Object({
  format: Type.Optional(Type.String({ description: '`xlsx` (default) or `csv`' })),
});

export const IdParams = Type.Object({ id: Type.String({ description: 'The integer id or the uuid' }) });

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
});

export const ExportCreated = Type.Object({ exportItemId: Type.Integer(), uuid: Type.String() });

export const ExportStatus = Type.Object({
  exportItemId: Type.Integer(),
  uuid: Type.String(),
  status: Type.Union(['queued', 'processing', 'finished', 'failed'].map((s) => Type.Literal(s))),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  rowCount: Type.Union([Type.Integer(), Type.Null()]),
  fileName: Type.String(),
});

export const FeedCreated = Type.Object({ feedId: Type.Integer(), feedUuid: Type.String() });

const FieldProblems = Type.Array(Type.Object({ field: Type.String(), message: Type.String() }));

export const FeedQuery = Type.Object({
  afterRow: Type.Optional(Type.Integer({ minimum: 0, description: 'Results after this row number' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Results per page (1000)' })),
});

export const FeedStatus = Type.Object({
  feedId: Type.Integer(),
  feedUuid: Type.String(),
  status: Type.Union(['queued', 'processing', 'finished', 'failed'].map((s) => Type.Literal(s))),
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
      status: Type.Union(['applied', 'unchanged', 'rejected', 'pending'].map((s) => Type.Literal(s))),
      message: Type.String(),
      errors: FieldProblems,
    }),
  ),
  nextAfterRow: Type.Optional(Type.Integer()),
});

export const SetKeyBody = Type.Object(
  {
    accessKey: Type.String({ maxLength: 200, description: 'The 44-character NF-e access key' }),
    orderId: Type.Optional(
      Type.String({ maxLength: 128, description: 'Needed only when the item id exists in several orders' }),
    ),
  },
  { additionalProperties: false },
);

export const SetKeyResponse = Type.Object({
  orderId: Type.String(),
  orderItemId: Type.String(),
  accessKey: Type.String(),
  status: Type.Union([Type.Literal('applied'), Type.Literal('unchanged')]),
});
