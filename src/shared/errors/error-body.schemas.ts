/**
 * The error body every `/api` failure answers with (`toErrorBody`), as a zod schema: the API
 * description shows it, and the API tests check real error responses against it.
 */
import { z } from 'zod';
import type { ErrorBody } from './error-handler';

export const fieldProblemSchema = z.object({
  field: z.string().meta({ description: 'Dotted path of the input field (`customer.email`); empty for the whole input.' }),
  reason: z.string(),
});

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable machine-readable code: validation_failed, malformed_body, unauthorized, forbidden, not_found, conflict, payload_too_large, internal_error.' }),
    message: z.string().meta({ description: 'A sentence for people; may change between versions.' }),
    details: z
      .union([z.array(fieldProblemSchema), z.record(z.string(), z.unknown()), z.null()])
      .meta({ description: 'For validation_failed, one entry per invalid field; other errors may name the field or record concerned, or give null.' }),
  }),
}) satisfies z.ZodType<ErrorBody>;
