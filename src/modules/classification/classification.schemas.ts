/** zod schemas for comments handed to the classifier from outside (the CLI, later the API). */
import { z } from 'zod';

/** Longest text accepted per comment at this boundary; the classifier itself reads the first few thousand characters. */
const maxInputLength = 100_000;

const answerSchema = z.union([
  z.string().max(maxInputLength),
  z
    .object({
      questionId: z.string().max(200).optional(),
      choiceCause: z.string().max(40).optional(),
      text: z.string().max(maxInputLength).optional(),
    })
    .strip(),
]);

/** One line of `npm run cli -- classify` input. */
export const commentLineSchema = z
  .object({
    id: z.union([z.string().min(1).max(200), z.number().transform(String)]),
    text: z.string().max(maxInputLength).optional(),
    locale: z.enum(['en', 'zh-CN']).optional(),
    answers: z.array(answerSchema).max(100).optional(),
  })
  .strip();

export type CommentLine = z.infer<typeof commentLineSchema>;
