/** zod schemas for the stored cause taxonomy: what admins may send when adding or renaming. */
import { z } from 'zod';
import { causeCodePattern, noCauseKey } from '../customers/causes';

const bilingual = z.object({ en: z.string().trim().min(1).max(200), 'zh-CN': z.string().trim().min(1).max(200) }).strict();

export const causeInputSchema = z
  .object({
    code: z
      .string()
      .regex(causeCodePattern, 'expected lowercase letters, digits, - or _ (at most 40)')
      .refine((code) => code !== noCauseKey, `"${noCauseKey}" is what reports call customers without a cause`),
    labels: bilingual,
    description: bilingual,
    recoverable: z.enum(['yes', 'no', 'sometimes', 'unknown']),
    winBackLever: bilingual,
  })
  .strict();

export type CauseInput = z.infer<typeof causeInputSchema>;

export const causeRenameSchema = z.object({ labels: bilingual.partial() }).strict();

export type CauseRename = z.infer<typeof causeRenameSchema>;
